import { createHash, randomUUID } from 'node:crypto'
import type { Frame } from '../../core/data/frame'
import { describeTimeWindow, withoutColumn } from '../../core/data/windows'
import type { DriftOptions } from '../../core/drift/drift-options'
import { ENGINE_VERSION } from '../../core/engine-version'
import { computeDayMetrics } from '../../core/pipeline/compute-day-metrics'
import { computeWindowMetrics } from '../../core/pipeline/compute-window-metrics'
import type { LoggedColumnSpec } from '../../core/pipeline/logged-record-frame'
import { LoggedRecordFrameBuilder } from '../../core/pipeline/logged-record-frame'
import type { ReferenceContext } from '../../core/pipeline/reference-context'
import { TripRecordFrameBuilder } from '../../core/pipeline/trip-record-frame'
import type { WindowMetricSpec, WindowMetricValue } from '../../core/quality/window-column-metric'
import type { ReferenceProfile } from '../../core/reports/reference-profile'
import { createReferenceProfile } from '../../core/reports/reference-profile'
import type { DayMetrics } from '../../shared/domain/metrics'
import type { RunRecord, RunState } from '../../shared/domain/runs'
import { AppError } from '../../shared/errors'
import { finishRun } from '../pipeline/finish-run'
import { RunEvents } from '../pipeline/run-events'
import { startRunLiveness } from '../pipeline/run-liveness'
import { RunLogger } from '../pipeline/run-logger'
import { windowKey } from '../pipeline/project-backfill-service'
import type { ComputedWindow } from '../pipeline/project-window-computer'
import { failedWindow } from '../pipeline/project-window-computer'
import type { DayProvenance, RunStore, TaskStateUpdate } from '../pipeline/run-store'

const MICROS_PER_DAY = 86_400_000_000

/** One logged row of a window, as the store reads it. */
export interface LiveLogRow {
  readonly record: Readonly<Record<string, unknown>>
  readonly prediction: number
  readonly requestId: string
  /** Naive `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
  readonly eventTime: string
}

/** What the collector reads and writes besides the runs (the real one is PostgreSQL). */
export interface LiveLogStore {
  /** One collector per project: null when another process holds the project. */
  lockCollector(project: string): Promise<{ release(): Promise<void> } | null>
  /** Gives logged rows without an event time the record's `field`. */
  stampEventTimes(project: string, field: string): Promise<number>
  /**
   * The reads below take `eventTimeField`: when given, only rows whose record holds that field (the
   * project's window column) are in a window; null: every row.
   */
  eventTimeWatermark(project: string, eventTimeField?: string | null): Promise<number | null>
  countRowsPerWindow(
    project: string,
    lengthMicros: number,
    originMicros: number,
    sinceMicros: number,
    eventTimeField?: string | null,
  ): Promise<readonly { startMicros: number; rows: number }[]>
  readWindowRows(
    project: string,
    startMicros: number,
    endMicros: number,
    eventTimeField?: string | null,
  ): AsyncIterable<readonly LiveLogRow[]>
  listStoredLiveWindows(project: string): Promise<
    readonly {
      startMicros: number
      endMicros: number | null
      rows: number
      provisional: boolean
      failed: boolean
      /** What it was computed from (null: failed, or stored before fingerprints). */
      inputsFingerprint: string | null
    }[]
  >
  saveLiveWindow(
    window: {
      metrics: DayMetrics
      endTimestamp: string
      provisional: boolean
      columnMetrics?: readonly WindowMetricValue[]
    },
    provenance: DayProvenance & { project: string },
    task: TaskStateUpdate,
  ): Promise<void>
  /** Recomputes MAE/RMSE/labelled share from feedback where they changed; returns how many windows. */
  updateLabelMetrics(
    project: string,
    options?: { eventTimeField?: string | null; regression?: boolean },
  ): Promise<number>
  /** A cheap summary of the feedback table: when it changes, labels are recomputed. */
  feedbackVersion(): Promise<string>
}

/** The course's reference (nyc-taxi): the trained model's month, and its fingerprint. */
export interface CourseLiveReference {
  readonly kind?: 'course'
  readonly context: ReferenceContext
  readonly referenceMonth: string
  /** The trained model's fingerprint (what the reference data and model derive from). */
  readonly modelFingerprint: string
}

/**
 * A learner's project: what `backfill --project` computes each window against — the reference's
 * profile under the project's mapping, its drift options and extra metrics — and how a window of the
 * log becomes a frame (the reference's columns and kinds, the window column left out).
 */
export interface ProjectLiveReference {
  readonly kind: 'project'
  /** The reference (window column dropped) under the project's mapping, as the backfill infers it. */
  readonly profile: ReferenceProfile
  readonly columns: readonly LoggedColumnSpec[]
  /** The window column: a row's event time; rows logged without it are in no window. Null: none. */
  readonly windowColumn: string | null
  readonly drift?: DriftOptions
  readonly extra: readonly WindowMetricSpec[]
  /** What the stored windows derive from (the definition and the reference files). */
  readonly fingerprint: string
  /** For the run's log: which reference, how many rows. */
  readonly description: string
}

/** The reference the windows are compared with, and its fingerprint. */
export type LiveReference = CourseLiveReference | ProjectLiveReference

export interface CollectRequest {
  readonly project: string
  /**
   * Window length in microseconds: any duration from a second (1h, 15m, 1d…). A window is stored
   * under the backfill's key: its start's date when it starts at midnight, else its ISO start.
   */
  readonly windowMicros: number
  /** How far behind the event-time watermark a window may still receive rows. */
  readonly latenessMicros: number
  /** Keep listening for new rows; without it, stop when the log is exhausted. */
  readonly follow: boolean
  /** Milliseconds between two looks at the log while following (default 1,000). */
  readonly pollMs?: number
}

export interface CollectorDependencies {
  readonly store: RunStore
  readonly log: LiveLogStore
  readonly loadReference: () => Promise<LiveReference>
  readonly hostname: string
  readonly pid: number
  readonly heartbeatMs?: number
}

/** One computed (or recomputed) window, as the CLI prints it. */
export interface CollectedWindow {
  readonly metrics: DayMetrics
  readonly provisional: boolean
  /** Its metrics could not be computed (stored with `metrics.error`, its task Failed). */
  readonly failed: boolean
}

export interface CollectOutcome {
  readonly run: RunRecord
  readonly computed: readonly CollectedWindow[]
}

/** The taxi project's event time: the pickup, as the batch job's days are cut. */
const EVENT_TIME_FIELD = 'lpep_pickup_datetime'

/**
 * The live collector (issue #12): the project's metrics for each window of the prediction log as it
 * closes, by event time. A window `[start, end)` is closed when the log's event-time watermark (the
 * latest event time logged) reaches `end + lateness`; without `follow`, when the log is exhausted,
 * every window with rows is computed and those not yet closed are stored `provisional` (computed again,
 * once, when they close). Windows are any duration (1h, 15m, 1d, 1w), keyed as the backfill keys them.
 *
 * Exactly once: one collector per project (an advisory lock, released by PostgreSQL if the process
 * dies); each window is stored with its task's state in one transaction; a window already stored (not
 * provisional, not failed) is never computed again, so a collector started after a crash or SIGKILL
 * computes only the windows that were not stored.
 *
 * For the taxi project each window is exactly the course's day: the frame of the logged records has the
 * TLC file's columns and types, the logged prediction is the prediction column, and the reference is
 * the course's, so the numbers equal the batch backfill's. For a learner's project each window is what
 * `backfill --project` computes for the same rows: the frame has the reference's columns and kinds,
 * the window column is the event time, and the project's mapping, drift options and extra metrics
 * apply. A window whose rows do not fit the reference (a wrong type) is stored with the error naming
 * the column and the row, its task Failed; the other windows go on, and the run ends Failed.
 * MAE/RMSE come from feedback (delayed labels).
 */
export class CollectorService {
  constructor(private readonly deps: CollectorDependencies) {}

  /**
   * Runs the collector until the log is exhausted (or, following, until `signal` aborts).
   * @throws {AppError} BUSY when another collector holds the project; INVALID_REQUEST on a bad window.
   */
  async run(
    request: CollectRequest,
    options: { events?: RunEvents; signal?: AbortSignal } = {},
  ): Promise<CollectOutcome> {
    const { store, log } = this.deps
    if (
      !Number.isInteger(request.windowMicros) ||
      request.windowMicros < 1_000_000 ||
      request.windowMicros % 1_000_000 !== 0
    ) {
      throw new AppError(
        'INVALID_REQUEST',
        'The collector needs a window of whole seconds, at least 1 s (15m, 1h, 1d, 1w…).',
      )
    }
    if (!(request.latenessMicros >= 0)) {
      throw new AppError('INVALID_REQUEST', 'The lateness must be 0 or a positive duration.')
    }
    const lock = await log.lockCollector(request.project)
    if (lock === null) {
      const holder = (await store.listActiveRuns()).find(
        (run) => run.job === 'collect' && run.parameters.project === request.project,
      )
      throw new AppError(
        'BUSY',
        `Another collector is running for project ${request.project}${holder === undefined ? '' : ` (run ID ${holder.id}, pid ${holder.pid ?? '?'} on ${holder.hostname ?? '?'})`}: stop it first, or let it work; one collector per project.`,
      )
    }
    const events = options.events ?? new RunEvents()
    const runId = randomUUID()
    try {
      await store.createRun({
        id: runId,
        job: 'collect',
        parameters: {
          project: request.project,
          windowMicros: request.windowMicros,
          latenessMicros: request.latenessMicros,
          follow: request.follow,
        },
        state: 'Pending',
        pid: this.deps.pid,
        hostname: this.deps.hostname,
      })
      return await this.drive(runId, request, events, options.signal)
    } finally {
      await lock.release()
    }
  }

  private async drive(
    runId: string,
    request: CollectRequest,
    events: RunEvents,
    signal: AbortSignal | undefined,
  ): Promise<CollectOutcome> {
    const { store, log } = this.deps
    const { project, windowMicros, latenessMicros } = request
    const logger = new RunLogger(store, events, runId)
    const releaseLiveness = startRunLiveness(store, runId, this.deps.heartbeatMs)
    const computed: CollectedWindow[] = []
    let final: { state: RunState; message: string | null }
    try {
      await store.setRunState(runId, 'Running')
      events.emit({ type: 'run-started', runId, job: 'collect', totalTasks: 0 })
      const reference = await this.deps.loadReference()
      const isProject = reference.kind === 'project'
      const fingerprint = createHash('sha256')
        .update(
          `${isProject ? reference.fingerprint : reference.modelFingerprint}\n${ENGINE_VERSION}\nlive\n${windowMicros}\n${latenessMicros}`,
        )
        .digest('hex')
      // The taxi log's pickups are stamped into event_time (every row); a project's rows are windowed
      // by its window column, and a row logged without it is in no window (as in the backfill).
      const stampField = isProject ? reference.windowColumn : EVENT_TIME_FIELD
      const eventTimeField = isProject ? reference.windowColumn : null
      const regression = !isProject || reference.profile.mapping.task !== 'classification'
      logger.log(
        'info',
        `Collecting ${project} in windows of ${describeDuration(windowMicros)}, lateness ${latenessMicros / 1e6} s, against ${isProject ? reference.description : `the reference of ${reference.referenceMonth}`}${request.follow ? ', following the log' : ''}.`,
      )
      const stored = new Map(
        (await log.listStoredLiveWindows(project)).map((w) => [w.startMicros, w]),
      )
      // Windows before `since` are closed and handled: later looks at the log start there.
      let since = Number.MIN_SAFE_INTEGER
      let lastFeedback = ''
      let reused = 0
      const lateWarned = new Set<number>()
      /** Windows this run computed: a failed one is not computed again until the next run. */
      const computedHere = new Set<number>()
      for (;;) {
        if (isAborted(signal) || (await this.isCancelRequested(runId))) break
        if (stampField !== null) await log.stampEventTimes(project, stampField)
        const watermark = await log.eventTimeWatermark(project, eventTimeField)
        const windows =
          watermark === null
            ? []
            : await log.countRowsPerWindow(
                project,
                windowMicros,
                originFor(windowMicros),
                since,
                eventTimeField,
              )
        for (const window of windows) {
          const end = window.startMicros + windowMicros
          const closed = watermark !== null && watermark >= end + latenessMicros
          if (!closed && request.follow) break
          const found = stored.get(window.startMicros)
          // A window stored with another length (an earlier run's --window) is not this window.
          const existing =
            found !== undefined && (found.endMicros === null || found.endMicros === end)
              ? found
              : undefined
          const retryFailed = existing?.failed === true && !computedHere.has(window.startMicros)
          // Stored from other inputs (the project's definition, its reference files, --metric, the
          // engine): computed again, as a provisional one is.
          const stale =
            existing !== undefined &&
            !existing.failed &&
            existing.inputsFingerprint !== null &&
            existing.inputsFingerprint !== fingerprint &&
            !computedHere.has(window.startMicros)
          if (existing !== undefined && !existing.provisional && !retryFailed && !stale) {
            if (existing.rows !== window.rows && !lateWarned.has(window.startMicros)) {
              lateWarned.add(window.startMicros)
              logger.log(
                'warning',
                `${keyOf(window.startMicros, end)}: ${window.rows - existing.rows} row(s) arrived after the window closed (beyond the lateness); its stored metrics do not count them.`,
              )
            }
            if (closed) since = Math.max(since, end)
            reused++
            continue
          }
          if (
            existing !== undefined &&
            !closed &&
            !retryFailed &&
            !stale &&
            existing.rows === window.rows
          ) {
            reused++ // provisional, and nothing new arrived for it
            continue
          }
          if (isAborted(signal)) break
          if (stale)
            logger.log(
              'info',
              `${keyOf(window.startMicros, end)}: stored from other inputs (the project's definition, reference files or extra metrics changed since); computing it again.`,
            )
          const result = await this.computeWindow(
            runId,
            request,
            reference,
            fingerprint,
            window.startMicros,
            !closed,
            eventTimeField,
            events,
          )
          computedHere.add(window.startMicros)
          stored.set(window.startMicros, {
            startMicros: window.startMicros,
            endMicros: end,
            rows: result.metrics.rows,
            provisional: !closed,
            failed: result.failed,
            inputsFingerprint: result.failed ? null : fingerprint,
          })
          computed.push({ ...result, provisional: !closed })
          if (result.failed)
            logger.log('error', `${result.metrics.date}: ${result.metrics.error ?? 'failed'}`)
          if (closed) since = Math.max(since, end)
        }
        const feedback = await log.feedbackVersion()
        if (feedback !== lastFeedback || computed.length > 0) {
          const updated = await log.updateLabelMetrics(project, { eventTimeField, regression })
          if (updated > 0 && feedback !== lastFeedback && lastFeedback !== '')
            logger.log('info', `Label metrics updated for ${updated} window(s) from new feedback.`)
          lastFeedback = feedback
        }
        if (!request.follow) break
        await sleep(request.pollMs ?? 1_000, signal)
      }
      const provisional = computed.filter((w) => w.provisional).length
      const failed = computed.filter((w) => w.failed)
      const message =
        `${computed.length} window(s) computed${provisional > 0 ? ` (${provisional} provisional: the log ran out before ${provisional === 1 ? 'it' : 'they'} closed)` : ''}, ` +
        `${reused} already stored.` +
        (failed.length === 0
          ? ''
          : ` ${failed.length} failed (${failed
              .slice(0, 5)
              .map((w) => w.metrics.date)
              .join(
                ', ',
              )}${failed.length > 5 ? ', …' : ''}): stored with their error; the others are stored. Fix those rows in the log (or the reference) and run collect again: failed windows are computed again.`)
      logger.log(failed.length === 0 ? 'info' : 'warning', message)
      final = {
        state:
          failed.length > 0
            ? 'Failed'
            : isAborted(signal) && !request.follow
              ? 'Cancelled'
              : 'Completed',
        message,
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      logger.log('error', message)
      final = { state: 'Failed', message }
      await logger.flushed()
      await finishRun(store, runId, final)
      events.emit({ type: 'run-finished', runId, state: final.state, message: final.message })
      throw new AppError('INTERNAL', `Collector run ${runId} failed: ${message}`, { cause: error })
    } finally {
      releaseLiveness()
    }
    await logger.flushed()
    await finishRun(store, runId, final)
    events.emit({ type: 'run-finished', runId, state: final.state, message: final.message })
    const run = (await store.getRun(runId)) as RunRecord
    return { run, computed }
  }

  /**
   * One window's task: read its rows page by page, compute, store with the task in one transaction.
   * A project window whose rows do not fit the reference (or whose metrics cannot be computed) is
   * stored with its error and its task Failed, and returned `failed`; a database error fails the run.
   */
  private async computeWindow(
    runId: string,
    request: CollectRequest,
    reference: LiveReference,
    fingerprint: string,
    startMicros: number,
    provisional: boolean,
    eventTimeField: string | null,
    events: RunEvents,
  ): Promise<{ metrics: DayMetrics; failed: boolean }> {
    const { store, log } = this.deps
    const endMicros = startMicros + request.windowMicros
    const key = keyOf(startMicros, endMicros)
    const taskKey = `window:${key}`
    const taskId = randomUUID()
    await store.saveTask({ id: taskId, runId, taskKey, state: 'Running', attempts: 1 })
    events.emit({ type: 'task-state', runId, taskKey, state: 'Running', attempt: 1 })
    try {
      const rows = log.readWindowRows(request.project, startMicros, endMicros, eventTimeField)
      const result =
        reference.kind === 'project'
          ? await computeProjectWindow(reference, rows, key)
          : { ...(await computeCourseWindow(reference, rows, key)), failed: false }
      const { metrics, failed } = result
      await log.saveLiveWindow(
        {
          metrics,
          endTimestamp: timestampOf(endMicros),
          provisional,
          ...('columnMetrics' in result ? { columnMetrics: result.columnMetrics } : {}),
        },
        {
          project: request.project,
          source: 'live',
          referenceMonth: reference.kind === 'project' ? null : reference.referenceMonth,
          runId,
          // A failed window is never reused: the next collector computes it again.
          inputsFingerprint: failed ? null : fingerprint,
        },
        {
          id: taskId,
          runId,
          taskKey,
          state: failed ? 'Failed' : 'Completed',
          attempts: 1,
          error: failed
            ? (metrics.error ?? null)
            : provisional
              ? 'Provisional: computed when the log ran out, before the window closed; recomputed once when it closes.'
              : null,
          inputsFingerprint: fingerprint,
        },
      )
      events.emit({
        type: 'task-state',
        runId,
        taskKey,
        state: failed ? 'Failed' : 'Completed',
        attempt: 1,
        ...(failed && metrics.error !== undefined ? { message: metrics.error } : {}),
      })
      return { metrics, failed }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      await store
        .saveTask({ id: taskId, runId, taskKey, state: 'Failed', attempts: 1, error: message })
        .catch(() => undefined) // the database may be the very thing that failed
      throw new AppError('INTERNAL', `${taskKey} failed: ${message}`, { cause: error })
    }
  }

  private async isCancelRequested(runId: string): Promise<boolean> {
    const run = await this.deps.store.getRun(runId).catch(() => null)
    return run?.state === 'Cancelling'
  }
}

/** A course window: the TLC frame of the logged trips and the course's day metrics (as batch). */
async function computeCourseWindow(
  reference: CourseLiveReference,
  rows: AsyncIterable<readonly LiveLogRow[]>,
  key: string,
): Promise<{ metrics: DayMetrics }> {
  const frame = new TripRecordFrameBuilder()
  let predictions = new Float64Array(4096)
  for await (const page of rows) {
    for (const row of page) {
      if (frame.rowCount === predictions.length) {
        const grown = new Float64Array(predictions.length * 2)
        grown.set(predictions)
        predictions = grown
      }
      predictions[frame.rowCount] = row.prediction
      frame.append(row.record)
    }
  }
  const current = frame.finish()
  return {
    metrics: computeDayMetrics(
      reference.context,
      current,
      key,
      {},
      predictions.slice(0, current.rowCount),
    ),
  }
}

/** The profile of a project's reference without its target, for windows whose rows carry none. */
const withoutTargetProfiles = new WeakMap<ReferenceProfile, ReferenceProfile>()

/**
 * A project window: the frame of the logged records with the reference's columns and kinds, then the
 * backfill's `computeWindowMetrics` (drift per column, missing values, extra metrics). The target
 * usually arrives later through /feedback, not in the logged record: when no row of the window holds
 * it, the window is computed as a file without the target column would be (no target drift, no target
 * cells counted missing); its MAE/RMSE come from the feedback. A row that does not fit the reference or
 * metrics that cannot be computed give a failed window, with the error.
 */
async function computeProjectWindow(
  reference: ProjectLiveReference,
  rows: AsyncIterable<readonly LiveLogRow[]>,
  key: string,
): Promise<ComputedWindow> {
  const { mapping } = reference.profile
  const builder = new LoggedRecordFrameBuilder(reference.columns, mapping.prediction ?? null)
  let rowCount = 0
  let current: Frame | null = null
  try {
    for await (const page of rows) {
      for (const row of page) {
        rowCount++
        builder.append(
          row.record,
          row.prediction,
          `logged row ${row.requestId} (event time ${row.eventTime}, row ${rowCount} of window ${key})`,
        )
      }
    }
    current = builder.finish()
    let profile = reference.profile
    if (mapping.target !== undefined && !builder.hasValues(mapping.target)) {
      current = withoutColumn(current, mapping.target)
      let bare = withoutTargetProfiles.get(profile)
      if (bare === undefined) {
        const { target: _target, ...rest } = mapping
        bare = createReferenceProfile(withoutColumn(profile.frame, mapping.target), rest)
        withoutTargetProfiles.set(profile, bare)
      }
      profile = bare
    }
    const result = computeWindowMetrics(profile, current, key, {
      ...(reference.drift === undefined ? {} : { drift: reference.drift }),
      extra: reference.extra,
    })
    return { ...result, failed: false }
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error
    return failedWindow(key, current?.rowCount ?? rowCount, error.message)
  }
}

/** Windows of whole weeks start on Mondays, as `core/data/windows.ts` cuts them; others on the epoch. */
function originFor(windowMicros: number): number {
  return windowMicros % (7 * MICROS_PER_DAY) === 0 ? -3 * MICROS_PER_DAY : 0
}

/**
 * A window's key, as the backfill stores it: `YYYY-MM-DD` when it starts at midnight, else its ISO
 * start (`2024-01-01T05:00:00`).
 */
function keyOf(startMicros: number, endMicros: number): string {
  return windowKey(describeTimeWindow(startMicros, endMicros))
}

function describeDuration(micros: number): string {
  if (micros % MICROS_PER_DAY === 0) return `${micros / MICROS_PER_DAY} day(s)`
  if (micros % 3_600_000_000 === 0) return `${micros / 3_600_000_000} hour(s)`
  if (micros % 60_000_000 === 0) return `${micros / 60_000_000} minute(s)`
  return `${micros / 1e6} s`
}

/** `YYYY-MM-DD HH:MM:SS` (naive) of an instant in microseconds. */
function timestampOf(micros: number): string {
  return new Date(micros / 1000).toISOString().slice(0, 19).replace('T', ' ')
}

/** Read through a function: TypeScript would keep a narrowing of `signal.aborted` across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve()
      return
    }
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
