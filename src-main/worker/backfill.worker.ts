/**
 * The backfill's compute worker: a thin worker_threads shell. It loads the inputs once (model, reference
 * context, the month's trips split into days) and then computes days on request, posting plain data.
 * Reading Parquet and training happen here rather than on the owner's thread because each takes far
 * longer than the 50 ms the owner's event loop may be blocked.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { parentPort } from 'node:worker_threads'
import { readParquetBytes, readParquetFile } from '../adapters/parquet/read-parquet-frame'
import type { Frame } from '../core/data/frame'
import { getColumn, takeRows } from '../core/data/frame'
import { checkTripColumns } from '../core/pipeline/check-trip-columns'
import { computeDayMetrics } from '../core/pipeline/compute-day-metrics'
import { courseExplainSpec } from '../core/explain/course-explain-spec'
import type { ExplainReference } from '../core/explain/explain-window'
import { prepareExplainReference } from '../core/explain/explain-window'
import { withExplanation } from '../core/explain/with-explanation'
import type { DailyWindow } from '../core/pipeline/daily-windows'
import { splitDailyWindows } from '../core/pipeline/daily-windows'
import type { ReferenceContext } from '../core/pipeline/reference-context'
import { createReferenceContext } from '../core/pipeline/reference-context'
import { courseLossInputs } from '../core/estimate/course-loss-reference'
import { estimateWindowMae } from '../core/estimate/direct-loss-estimation'
import { tripFileAdvice } from '../services/data/locate-trip-file'
import type { CourseEstimator } from '../services/estimate/course-performance-estimate'
import { ensureCourseEstimator } from '../services/estimate/course-performance-estimate'
import { ensureTrainedModel } from '../services/model/model-service'
import type { DayMetrics } from '../shared/domain/metrics'
import { AppError, serializeError } from '../shared/errors'
import type {
  BackfillLoadInput,
  BackfillWorkerRequest,
  BackfillWorkerResponse,
  LoadedBackfillInputs,
} from './backfill-worker-protocol'

interface LoadedState {
  readonly context: ReferenceContext
  /** Why the prediction moved, outliers and segments (issue #13), against the same reference. */
  readonly explain: ExplainReference
  /** The MAE estimator without labels (issue 13), fitted on the reference month's held-out trips. */
  readonly estimator: CourseEstimator | null
  readonly month: Frame
  readonly windows: readonly DailyWindow[]
}

let state: LoadedState | null = null

/** Columns the daily windows and the prediction quality need besides the drift columns. */
const REQUIRED_MONTH_COLUMNS = ['lpep_pickup_datetime', 'lpep_dropoff_datetime']

async function load(input: BackfillLoadInput): Promise<LoadedBackfillInputs> {
  const started = performance.now()
  const [trained, monthBytes] = await Promise.all([
    ensureTrainedModel(input.config, input.referenceMonth, input.referenceFile, {
      force: input.retrain,
    }),
    readFile(input.monthFile).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }),
  ])
  // The Parquet adapter words every failure (missing, not Parquet, truncated); for a missing file let
  // it raise its own sentence.
  const advice = tripFileAdvice(input.monthFile, input.config, input.startDate.slice(0, 7))
  if (monthBytes === null) await readParquetFile(input.monthFile, advice)
  if (monthBytes === null)
    throw new Error(`The data file ${input.monthFile} disappeared while reading it.`)
  const month = readParquetBytes(monthBytes, input.monthFile, advice)
  const context = createReferenceContext(trained.training.reference, trained.training.model)
  const estimator =
    input.estimateMae === true
      ? await ensureCourseEstimator(input.config, trained, input.referenceFile)
      : null
  let windows: DailyWindow[]
  try {
    // Check every column a day needs now, so a wrong file fails once, clearly, before any day runs.
    for (const name of REQUIRED_MONTH_COLUMNS) getColumn(month, name)
    checkTripColumns(month)
    for (const { name } of context.columns) if (name !== 'prediction') getColumn(month, name)
    windows = splitDailyWindows(month, input.startDate, input.days)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    throw new AppError(
      'PIPELINE_INPUT_INVALID',
      `${input.monthFile} is not a usable green-taxi trip file: ${error.message} Use the TLC's green_tripdata file for that month.`,
      { cause: error },
    )
  }
  const explain = prepareExplainReference(
    trained.training.reference,
    courseExplainSpec(trained.training.model),
  )
  state = { context, estimator, month, windows, explain }
  return {
    modelFingerprint: trained.fingerprint,
    monthFileSha256: createHash('sha256').update(monthBytes).digest('hex'),
    trainedNow: trained.trainedNow,
    summary: trained.training.summary,
    monthRows: month.rowCount,
    windows: windows.map((w) => ({ date: w.date, rows: w.rows.length })),
    loadMs: performance.now() - started,
  }
}

function computeDay(dayIndex: number): {
  metrics: ReturnType<typeof computeDayMetrics>
  computeMs: number
} {
  if (state === null)
    throw new Error('The worker was asked to compute a day before loading its inputs.')
  const window = state.windows[dayIndex]
  if (window === undefined)
    throw new RangeError(`Day index ${dayIndex} is outside the loaded month.`)
  const started = performance.now()
  const day = takeRows(state.month, window.rows)
  const computed = computeDayMetrics(state.context, day, window.date)
  const estimated =
    day.rowCount === 0 || state.estimator === null
      ? computed
      : withEstimatedMae(
          computed,
          estimateWindowMae(
            state.estimator.estimator,
            courseLossInputs(state.estimator.model, day),
          ),
        )
  const metrics = withExplanation(estimated, state.explain, day)
  return { metrics, computeMs: performance.now() - started }
}

/** The day's metrics with the MAE estimated from its features and predictions alone (issue 13). */
function withEstimatedMae(
  metrics: DayMetrics,
  estimate: { estimatedMae: number; lower: number; upper: number },
): DayMetrics {
  return {
    ...metrics,
    estimatedMae: estimate.estimatedMae,
    estimatedMaeLower: estimate.lower,
    estimatedMaeUpper: estimate.upper,
  }
}

const port = parentPort
if (port === null) throw new Error('backfill.worker.ts must run in a worker thread.')

port.on('message', (request: BackfillWorkerRequest) => {
  void handle(request).then((response) => port.postMessage(response))
})

async function handle(request: BackfillWorkerRequest): Promise<BackfillWorkerResponse> {
  try {
    if (request.type === 'load') {
      return { type: 'loaded', requestId: request.requestId, inputs: await load(request.input) }
    }
    const { metrics, computeMs } = computeDay(request.dayIndex)
    return {
      type: 'day',
      requestId: request.requestId,
      dayIndex: request.dayIndex,
      metrics,
      computeMs,
    }
  } catch (error) {
    const serialized = serializeError(error)
    // The core throws RangeError/TypeError for input it cannot use (a missing column, a bad date).
    const inputError = error instanceof RangeError || error instanceof TypeError
    return {
      type: 'error',
      requestId: request.requestId,
      error:
        inputError && serialized.code === 'INTERNAL'
          ? { ...serialized, code: 'PIPELINE_INPUT_INVALID' }
          : serialized,
    }
  }
}
