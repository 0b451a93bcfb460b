import { createHash, randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { SourceReadOptions } from '../../adapters/sources/csv-source'
import { SourceReadError } from '../../adapters/sources/source-read-error'
import {
  listSourceFiles,
  readSourceBatches,
  readSourceFrame,
} from '../../adapters/sources/table-source'
import type { Frame } from '../../core/data/frame'
import type { ClosedWindow } from '../../core/data/window-stream'
import { createWindowStream } from '../../core/data/window-stream'
import type { WindowSpec } from '../../core/data/windows'
import { parseWindowSpec, withoutColumn } from '../../core/data/windows'
import type { DriftOptions } from '../../core/drift/drift-options'
import { ENGINE_VERSION } from '../../core/engine-version'
import type { WindowMetricSpec, WindowMetricValue } from '../../core/quality/window-column-metric'
import type { ColumnMapping, ColumnMappingSpec } from '../../core/reports/column-mapping'
import { inferColumnMapping } from '../../core/reports/column-mapping'
import type { DayMetrics } from '../../shared/domain/metrics'
import type { RunRecord, RunState } from '../../shared/domain/runs'
import { AppError } from '../../shared/errors'
import { WorkerCrashedError } from './backfill-compute-runner'
import { finishRun } from './finish-run'
import type {
  ComputedWindow,
  ProjectComputeInput,
  ProjectWindowComputer,
} from './project-window-computer'
import { InProcessWindowComputer } from './project-window-computer'
import { DEFAULT_RETRY_POLICY, isRetryableError, retryDelaySeconds } from './retry-policy'
import type { RetryPolicy } from './retry-policy'
import { RunEvents } from './run-events'
import { startRunLiveness } from './run-liveness'
import { RunLogger } from './run-logger'
import type { BackfillMonthBusy, BackfillMonthLock, RunStore, StoredDay } from './run-store'

/** Marks a run's parameters as a project backfill (the course's runs have none). */
const RUN_KIND = 'project-backfill'

/** What a backfill of a learner's own data computes; plain data, stored on the run for `--resume`. */
export interface ProjectBackfillRequest {
  readonly project: string
  /** Where the definition came from: a project file's path, 'store' or 'ad hoc' (flags). */
  readonly origin: string
  /** Absolute paths (files or folders). */
  readonly reference: readonly string[]
  readonly current: readonly string[]
  readonly mapping?: ColumnMappingSpec
  /** The timestamp column that cuts time windows (dropped before any metric). */
  readonly windowColumn?: string
  /** `1d`, `1h`, `month`, `rows:N`, `all`… (default `1d` with a window column, else `all`). */
  readonly window?: string
  /** Rows may arrive up to `lateness - 1` windows late (default 1: sorted by window). */
  readonly lateness?: number
  readonly drift?: DriftOptions
  /** Extra per-window column metrics (project `metrics:` and `--metric`). */
  readonly metrics: readonly WindowMetricSpec[]
  /** Recompute windows already stored with the same inputs. */
  readonly force: boolean
  readonly retry: RetryPolicy
}

export interface ProjectBackfillDependencies {
  readonly store: RunStore
  /** One backfill per project at a time (the advisory lock keyed by project); absent: no lock. */
  readonly lockProject?: (project: string) => Promise<BackfillMonthLock | BackfillMonthBusy>
  readonly hostname: string
  readonly pid: number
  readonly random?: () => number
  readonly heartbeatMs?: number
  /**
   * Where windows are computed: a pool of worker threads (the CLI and the panel pass one) so reading,
   * computing and storing overlap; absent, each window is computed in this thread (the serial path).
   * Called once per run.
   */
  readonly createComputer?: () => ProjectWindowComputer
  /**
   * At most this many windows computing or waiting to be stored (default 2 × the computer's size + 2 with a
   * computer, 1 without).
   */
  readonly maxWindowsInFlight?: number
}

/** A window cut and handed on, waiting for its turn to be stored. */
interface PreparedWindow {
  readonly window: ClosedWindow
  readonly key: string
  /** The stored result it reuses (same inputs), or null when it is being computed. */
  readonly reused: StoredDay | null
  readonly computed: Promise<ComputedWindow> | null
}

/** Thrown down the chain of windows in flight once a cancel is seen, so the ones after it are dropped. */
const CANCELLED = new Error('The run was cancelled between windows.')

/** One window as the run ends it: its metrics (stored), how it ended, and its extra metrics. */
export interface WindowResult {
  readonly metrics: DayMetrics
  readonly start: string | null
  readonly endExclusive: string | null
  readonly state: 'Completed' | 'Failed'
  readonly skipped: boolean
  readonly columnMetrics: readonly WindowMetricValue[]
}

export interface ProjectBackfillOutcome {
  readonly run: RunRecord
  readonly windows: readonly WindowResult[]
}

/**
 * `backfill --project` for a learner's own data, with the course backfill's run machinery: a run (job
 * `backfill`), one task per window (`window:LABEL`), each window stored with its task state in one
 * transaction, retries with backoff for retryable (database) errors, `--resume` (windows stored with the same
 * inputs are reused), cancel between windows, the advisory lock keyed by project.
 *
 * The current data is streamed: Parquet row group by row group, CSV and JSON Lines in chunks; windows are cut
 * as the data passes ({@link createWindowStream}) and each is computed and stored as soon as it closes, so
 * memory holds the reference and the open windows, never the whole current data (except window `all`).
 * An empty window is stored with its error and reported; a window whose metrics fail is stored with its error
 * (task Failed) and the others go on; the run then ends Failed naming them. A read error mid-way (a bad
 * value, unsorted data) fails the run, keeping the windows already stored; `--resume` continues from there.
 */
export class ProjectBackfillService {
  constructor(private readonly deps: ProjectBackfillDependencies) {}

  /** Whether a stored run is a project backfill (so `backfill --resume` routes it here). */
  static isProjectRun(run: RunRecord): boolean {
    return run.job === 'backfill' && run.parameters.kind === RUN_KIND
  }

  /**
   * Starts a run for `request` (or resumes `resumeRunId`) and drives it to its end.
   * @throws {AppError} BUSY, RUN_NOT_FOUND or INVALID_REQUEST before a run exists; later failures are
   *   recorded on the run and returned.
   */
  async run(
    request: ProjectBackfillRequest | null,
    options: {
      events?: RunEvents
      signal?: AbortSignal
      resumeRunId?: string
      resumeOverrides?: { force?: boolean; retry?: RetryPolicy }
    } = {},
  ): Promise<ProjectBackfillOutcome> {
    const { store } = this.deps
    const events = options.events ?? new RunEvents()
    let effective: ProjectBackfillRequest
    let runId: string
    let lock: BackfillMonthLock | null = null
    if (options.resumeRunId !== undefined) {
      const { id } = await store.resolveRunId(options.resumeRunId)
      const run = id === null ? null : await store.getRun(id)
      if (run === null || !ProjectBackfillService.isProjectRun(run))
        throw new AppError(
          'RUN_NOT_FOUND',
          `No project backfill run '${options.resumeRunId}' exists in this database; see \`runs list\`.`,
        )
      const stored = run.parameters.request as ProjectBackfillRequest
      effective = {
        ...stored,
        force: options.resumeOverrides?.force ?? false,
        retry: options.resumeOverrides?.retry ?? stored.retry,
      }
      lock = await this.lock(effective.project)
      const claimed = await store
        .claimRun(
          run.id,
          this.deps.pid,
          this.deps.hostname,
          ['Scheduled', 'Completed', 'Failed', 'Cancelled', 'Crashed'],
          `Resumed from ${run.state}.`,
        )
        .catch(async (error: unknown) => {
          await lock?.release()
          throw error
        })
      if (!claimed) {
        await lock?.release()
        throw new AppError(
          'INVALID_REQUEST',
          `Run ${run.id} is ${run.state}; only a run that has ended can be resumed (cancel it first or wait for it).`,
        )
      }
      runId = run.id
    } else {
      if (request === null)
        throw new AppError('INVALID_REQUEST', 'A project backfill needs its project.')
      windowSpecOf(request) // a bad window is a usage error, before any run exists
      effective = request
      lock = await this.lock(request.project)
      runId = randomUUID()
      await store
        .createRun({
          id: runId,
          job: 'backfill',
          parameters: { kind: RUN_KIND, project: request.project, request },
          state: 'Pending',
          pid: this.deps.pid,
          hostname: this.deps.hostname,
        })
        .catch(async (error: unknown) => {
          await lock?.release()
          throw error
        })
    }
    try {
      return await this.drive(runId, effective, events, options.signal)
    } finally {
      await lock?.release()
    }
  }

  private async lock(project: string): Promise<BackfillMonthLock | null> {
    if (this.deps.lockProject === undefined) return null
    const outcome = await this.deps.lockProject(project)
    if ('release' in outcome) return outcome
    const active = (await this.deps.store.listActiveRuns()).find(
      (run) => run.job === 'backfill' && run.parameters.project === project,
    )
    throw new AppError(
      'BUSY',
      `Another backfill of project '${project}' is running (${active === undefined ? 'just starting' : `run ID ${active.id}`}): wait for it to finish or cancel it, then start this one again.`,
    )
  }

  private async drive(
    runId: string,
    request: ProjectBackfillRequest,
    events: RunEvents,
    signal: AbortSignal | undefined,
  ): Promise<ProjectBackfillOutcome> {
    const { store } = this.deps
    const logger = new RunLogger(store, events, runId)
    const results: WindowResult[] = []
    const priorAttempts = new Map(
      (await store.listTasks(runId)).map((t) => [t.taskKey, t.attempts]),
    )
    // The number of windows is known only once the data has streamed by: progress counts up, total 0.
    events.emit({ type: 'run-started', runId, job: 'backfill', totalTasks: 0 })
    const releaseLiveness = startRunLiveness(store, runId, this.deps.heartbeatMs)
    let final: { state: RunState; message: string | null }
    try {
      await store.setRunState(runId, 'Running')
      const spec = windowSpecOf(request)
      const readOptions: SourceReadOptions =
        request.windowColumn === undefined
          ? {}
          : { declaredTypes: { [request.windowColumn]: 'timestamp' } }
      const reference = await readProjectReference(request, readOptions)
      const fingerprint = await inputsFingerprint(request)
      const stored = new Map<string, StoredDay>(
        (await store.listStoredDays('0001-01-01', '9999-12-31', request.project, 'batch')).map(
          (day) => [day.metrics.date, day],
        ),
      )
      logger.log(
        'info',
        `Backfill of project ${request.project}: ${reference.rowCount} reference rows; streaming ${request.current.join(', ')} in ${describeSpec(spec)} windows.`,
      )
      const stream = createWindowStream(spec, { lateness: request.lateness ?? 1 })
      const computer = this.deps.createComputer?.() ?? new InProcessWindowComputer()
      // In this thread nothing overlaps: one window at a time, each stored before the next is computed.
      const maxInFlight =
        this.deps.maxWindowsInFlight ??
        (this.deps.createComputer === undefined ? 1 : 2 * computer.size + 2)
      let loaded = false
      let cancelled = false
      // Windows in flight, in window order: each one's promise settles once it is stored. They are
      // chained, so a window is stored only after the one before it, whatever order they are computed in.
      const inFlight: Promise<void>[] = []
      let tail: Promise<void> = Promise.resolve()
      const submit = async (window: ClosedWindow): Promise<void> => {
        const prepared = this.prepareWindow(window, request, fingerprint, stored, computer)
        tail = tail.then(async () => {
          if (await this.isCancelRequested(runId, signal)) {
            cancelled = true
            throw CANCELLED
          }
          results.push(
            await this.finishWindow({
              runId,
              prepared,
              computer,
              request,
              fingerprint,
              events,
              logger,
              priorAttempts,
              signal,
              done: results.length + 1,
            }),
          )
        })
        // Awaited below (in order) or after the reading; never left to reject unheard.
        tail.catch(() => undefined)
        inFlight.push(tail)
        // Backpressure: at most maxInFlight windows are computing or waiting to be stored.
        while (inFlight.length >= maxInFlight) await inFlight.shift()
      }
      let readError: unknown = null
      try {
        const files = await listSourceFiles(request.current).catch((error: unknown) => {
          throw sideError('current', error)
        })
        const batches = readSourceBatches(files, readOptions)
        try {
          for (;;) {
            let next: IteratorResult<{ frame: Frame }>
            try {
              next = await batches.next()
            } catch (error) {
              throw sideError('current', error)
            }
            if (next.done === true) break
            const batch = next.value.frame
            if (!loaded) {
              computer.load(this.computeInput(request, reference, batch))
              loaded = true
            }
            let closed: ClosedWindow[]
            try {
              closed = stream.push(batch)
            } catch (error) {
              if (error instanceof RangeError)
                throw new AppError('PIPELINE_INPUT_INVALID', error.message)
              throw error
            }
            for (const window of closed) {
              if (cancelled) break
              await submit(window)
            }
            if (cancelled) break
          }
        } finally {
          await batches.return(undefined)
        }
        if (!cancelled) {
          if (!loaded)
            throw new AppError(
              'PIPELINE_INPUT_INVALID',
              `The current data (${request.current.join(', ')}) has no rows; there is nothing to monitor.`,
            )
          for (const window of stream.finish()) {
            if (cancelled) break
            await submit(window)
          }
        }
      } catch (error) {
        // A read error (or a store error met while waiting for room) ends the reading; the windows
        // already cut are still stored below, as the serial backfill stored each before reading on.
        if (error !== CANCELLED) readError = error
      }
      try {
        await tail
      } catch (error) {
        if (error !== CANCELLED) throw error
      } finally {
        await computer.close()
      }
      if (readError !== null) throw readError
      if (stream.rowsWithoutTimestamp > 0)
        logger.log(
          'warning',
          `${stream.rowsWithoutTimestamp} current row(s) have no '${request.windowColumn}' and are in no window.`,
        )
      const failed = results.filter((w) => w.state === 'Failed')
      const empty = results.filter((w) => w.metrics.rows === 0).length
      const reused = results.filter((w) => w.skipped).length
      if (cancelled) {
        final = { state: 'Cancelled', message: `Cancelled after ${results.length} window(s).` }
      } else if (failed.length > 0) {
        final = {
          state: 'Failed',
          message: `${failed.length} of ${results.length} window(s) failed (${failed
            .slice(0, 5)
            .map((w) => w.metrics.date)
            .join(
              ', ',
            )}${failed.length > 5 ? ', …' : ''}); the others are stored. Fix the data and resume the run.`,
        }
      } else {
        final = {
          state: 'Completed',
          message: `${reused} reused, ${results.length - reused} computed (${results.length} window(s) stored${empty > 0 ? `, ${empty} empty` : ''}).`,
        }
      }
      logger.log(final.state === 'Completed' ? 'info' : 'warning', final.message ?? '')
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      logger.log('error', message)
      final = { state: 'Failed', message }
    } finally {
      releaseLiveness()
    }
    await logger.flushed()
    await finishRun(store, runId, final)
    const run = (await store.getRun(runId)) as RunRecord
    events.emit({ type: 'run-finished', runId, state: final.state, message: final.message })
    return { run, windows: results }
  }

  /**
   * What every window is computed against. The mapping is decided on the reference and the first current
   * batch (the columns and their kinds).
   */
  private computeInput(
    request: ProjectBackfillRequest,
    reference: Frame,
    firstBatch: Frame,
  ): ProjectComputeInput {
    if (request.windowColumn !== undefined && !firstBatch.names.includes(request.windowColumn))
      throw new AppError(
        'PIPELINE_INPUT_INVALID',
        `The window column '${request.windowColumn}' is not in the current data (${request.current.join(', ')}); it has: ${firstBatch.names.join(', ')}.`,
      )
    const current =
      request.windowColumn === undefined
        ? firstBatch
        : withoutColumn(firstBatch, request.windowColumn)
    let mapping: ColumnMapping
    try {
      mapping = inferColumnMapping(reference, current, request.mapping)
    } catch (error) {
      if (error instanceof RangeError) throw new AppError('PIPELINE_INPUT_INVALID', error.message)
      throw error
    }
    return {
      reference,
      mapping,
      ...(request.drift === undefined ? {} : { drift: request.drift }),
      extra: request.metrics,
    }
  }

  /**
   * Starts one window's task as soon as it is cut: reused when stored with the same inputs (nothing to
   * compute), else handed to the computer, which may answer later and out of order.
   */
  private prepareWindow(
    window: ClosedWindow,
    request: ProjectBackfillRequest,
    fingerprint: string,
    stored: ReadonlyMap<string, StoredDay>,
    computer: ProjectWindowComputer,
  ): PreparedWindow {
    const key = windowKey(window)
    const previous = stored.get(key)
    if (
      !request.force &&
      previous !== undefined &&
      previous.inputsFingerprint === fingerprint &&
      previous.metrics.rows === window.frame.rowCount
    )
      return { window, key, reused: previous, computed: null }
    const computed = computer.compute(key, window.frame)
    computed.catch(() => undefined) // awaited when its turn to be stored comes, or dropped on cancel
    return { window, key, reused: null, computed }
  }

  /**
   * Ends one window's task, in window order: records a reused window, or waits for its computation and
   * stores it with its task state in one transaction, retrying retryable errors (the database's; a crashed
   * compute worker's, by computing the window again) with backoff. A window whose metrics cannot be
   * computed is stored with its error and its task Failed; the run goes on.
   * @throws the store's or the computer's error when it persists after the retries.
   */
  private async finishWindow(task: {
    runId: string
    prepared: PreparedWindow
    computer: ProjectWindowComputer
    request: ProjectBackfillRequest
    fingerprint: string
    events: RunEvents
    logger: RunLogger
    priorAttempts: ReadonlyMap<string, number>
    signal: AbortSignal | undefined
    done: number
  }): Promise<WindowResult> {
    const { store } = this.deps
    const { runId, prepared, request, events, logger } = task
    const { window, key } = prepared
    const taskKey = `window:${key}`
    const firstAttempt = task.priorAttempts.get(taskKey) ?? 0
    const bounds = { start: window.start, endExclusive: window.endExclusive }
    const previous = prepared.reused
    if (previous !== null) {
      await store.saveTask({
        id: randomUUID(),
        runId,
        taskKey,
        state: 'Completed',
        attempts: firstAttempt,
        inputsFingerprint: task.fingerprint,
      })
      events.emit({
        type: 'task-state',
        runId,
        taskKey,
        state: 'Completed',
        attempt: firstAttempt,
        message: 'Reused the stored result (same inputs).',
      })
      events.emit({
        type: 'day-result',
        runId,
        metrics: previous.metrics,
        skipped: true,
        done: task.done,
        total: 0,
      })
      return {
        metrics: previous.metrics,
        ...bounds,
        state: 'Completed',
        skipped: true,
        columnMetrics: [],
      }
    }
    let computed: ComputedWindow
    for (let retry = 0; ; retry++) {
      try {
        computed = await (retry === 0
          ? (prepared.computed as Promise<ComputedWindow>)
          : task.computer.compute(key, window.frame))
        break
      } catch (error) {
        // Only a crashed compute worker is worth another try here; a store error is retried below.
        if (
          !(error instanceof WorkerCrashedError) ||
          retry >= request.retry.retries ||
          task.signal?.aborted === true
        ) {
          if (!(error instanceof AppError) || error.code === 'CANCELLED') throw error
          const message = error.message
          await store
            .saveTask({
              id: randomUUID(),
              runId,
              taskKey,
              state: 'Failed',
              attempts: firstAttempt + retry + 1,
              error: message,
            })
            .catch(() => undefined) // the run fails with this message whether or not this lands
          events.emit({
            type: 'task-state',
            runId,
            taskKey,
            state: 'Failed',
            attempt: firstAttempt + retry + 1,
            message,
          })
          throw new AppError(
            error.code,
            `${taskKey} could not be computed after ${retry + 1} attempt(s): ${message} The windows before it are stored; resume the run to go on.`,
            { cause: error },
          )
        }
        logger.log(
          'warning',
          `${taskKey}: ${error.message} Computing the window again on a fresh worker.`,
        )
        events.emit({
          type: 'task-state',
          runId,
          taskKey,
          state: 'Retrying',
          attempt: firstAttempt + retry + 1,
          message: error.message,
        })
      }
    }
    const taskId = randomUUID()
    const state = computed.failed ? 'Failed' : 'Completed'
    for (let retry = 0; ; retry++) {
      const attempt = firstAttempt + retry + 1
      try {
        // The window is computed already: its task is stored once, with its result (no Running row).
        events.emit({ type: 'task-state', runId, taskKey, state: 'Running', attempt })
        await store.saveDayResult(
          computed.metrics,
          {
            project: request.project,
            source: 'batch',
            referenceMonth: null,
            runId,
            // A failed window is never reused: resume recomputes it.
            inputsFingerprint: computed.failed ? null : task.fingerprint,
            windowEnd: window.endExclusive,
          },
          {
            id: taskId,
            runId,
            taskKey,
            state,
            attempts: attempt,
            error: computed.metrics.error ?? null,
            inputsFingerprint: task.fingerprint,
          },
          computed.columnMetrics,
          { waitForDisk: false },
        )
        events.emit({
          type: 'task-state',
          runId,
          taskKey,
          state,
          attempt,
          ...(computed.metrics.error === undefined ? {} : { message: computed.metrics.error }),
        })
        if (computed.metrics.error !== undefined)
          logger.log(computed.failed ? 'error' : 'warning', `${key}: ${computed.metrics.error}`)
        events.emit({
          type: 'day-result',
          runId,
          metrics: computed.metrics,
          skipped: false,
          done: task.done,
          total: 0,
        })
        return {
          metrics: computed.metrics,
          ...bounds,
          state,
          skipped: false,
          columnMetrics: computed.columnMetrics,
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        const retryable = isRetryableError(error)
        if (!retryable || retry >= request.retry.retries || task.signal?.aborted === true) {
          await store
            .saveTask({
              id: taskId,
              runId,
              taskKey,
              state: 'Failed',
              attempts: attempt,
              error: message,
            })
            .catch(() => undefined) // the database may be the very thing that failed
          events.emit({ type: 'task-state', runId, taskKey, state: 'Failed', attempt, message })
          throw new AppError(
            'INTERNAL',
            `${taskKey} failed after ${attempt - firstAttempt} attempt(s)${retryable ? '' : ' (not retryable)'}: ${message}`,
            { cause: error },
          )
        }
        const delay = retryDelaySeconds(request.retry, retry + 1, this.deps.random ?? Math.random)
        logger.log(
          'warning',
          `${taskKey} attempt ${attempt} failed (${message}); retrying in ${delay.toFixed(2)} s.`,
        )
        events.emit({ type: 'task-state', runId, taskKey, state: 'Retrying', attempt, message })
        await new Promise((resolve) => setTimeout(resolve, delay * 1000))
      }
    }
  }

  /** When the run's state was last read for a cancel request (epoch ms). */
  private lastCancelCheck = 0

  /**
   * A cancel asked by this process's signal (checked at every window) or by `runs cancel` (the run's state,
   * read at most twice a second: hundreds of windows a second need not each cost a query).
   */
  private async isCancelRequested(
    runId: string,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (signal?.aborted !== true && Date.now() - this.lastCancelCheck < 500) return false
    this.lastCancelCheck = Date.now()
    if (signal?.aborted === true) {
      await this.deps.store.setRunState(runId, 'Cancelling', 'Interrupted.', [
        'Running',
        'Retrying',
        'Pending',
      ])
      return true
    }
    const run = await this.deps.store.getRun(runId).catch(() => null)
    return run?.state === 'Cancelling'
  }
}

/**
 * A project's reference as every window is compared with it: the whole source read (the window column
 * typed as a timestamp by `options`), refused when empty, the window column dropped. The backfill and the
 * live collector both read it here.
 * @throws {AppError} PIPELINE_INPUT_INVALID naming the reference on a read error or an empty reference.
 */
export async function readProjectReference(
  request: Pick<ProjectBackfillRequest, 'reference' | 'windowColumn'>,
  options: SourceReadOptions,
): Promise<Frame> {
  let frame: Frame
  try {
    frame = await readSourceFrame(request.reference, options)
  } catch (error) {
    throw sideError('reference', error)
  }
  if (frame.rowCount === 0)
    throw new AppError(
      'PIPELINE_INPUT_INVALID',
      `The reference data (${request.reference.join(', ')}) has no rows: drift needs a reference sample to compare with.`,
    )
  return request.windowColumn === undefined ? frame : withoutColumn(frame, request.windowColumn)
}

/** The request's window spec: `1d` by default with a window column, else all rows as one window. */
export function windowSpecOf(
  request: Pick<ProjectBackfillRequest, 'window' | 'windowColumn'>,
): WindowSpec {
  let spec: WindowSpec
  try {
    spec = parseWindowSpec(
      request.window ?? (request.windowColumn === undefined ? 'all' : '1d'),
      request.windowColumn,
    )
  } catch (error) {
    throw new AppError('INVALID_REQUEST', (error as Error).message)
  }
  if (spec.kind === 'all' || spec.kind === 'rows')
    throw new AppError(
      'INVALID_REQUEST',
      `A backfill stores each window at its start time, so it needs time windows: give the timestamp column (--datetime COL, or window.column in the project) and a window such as 1d, 1h or month${spec.kind === 'rows' ? ' instead of rows:N' : ''}. For one report over all rows or row windows, use \`report\`.`,
    )
  return spec
}

/**
 * The key a window is stored under (`DayMetrics.date`, the `timestamp` column): its start's date when it
 * starts at midnight (days, weeks, months, and the midnight hour), else its ISO start.
 */
export function windowKey(window: Pick<ClosedWindow, 'start' | 'label'>): string {
  const start = window.start ?? window.label
  return start.endsWith('T00:00:00') ? start.slice(0, 10) : start
}

function describeSpec(spec: WindowSpec): string {
  if (spec.kind === 'all') return 'one (all rows)'
  if (spec.kind === 'rows') return `${spec.rowsPerWindow}-row`
  if (spec.kind === 'month') return `calendar-month ('${spec.column}')`
  return `${spec.lengthMicros / 3.6e9} h ('${spec.column}')`
}

/**
 * What a stored window depends on: the definition (mapping, window, options, extra metrics), each data file's
 * path, size and modification time (hashing gigabytes of content on every run would cost more than the
 * backfill), and the engine version.
 */
async function inputsFingerprint(request: ProjectBackfillRequest): Promise<string> {
  const files = [
    ...(await listSourceFiles(request.reference).catch((e: unknown) => {
      throw sideError('reference', e)
    })),
    ...(await listSourceFiles(request.current).catch((e: unknown) => {
      throw sideError('current', e)
    })),
  ]
  const stamps = await Promise.all(
    files.map(async (file) => {
      const info = await stat(file.path)
      return `${file.path}\t${info.size}\t${info.mtimeMs}`
    }),
  )
  const definition = {
    mapping: request.mapping ?? null,
    windowColumn: request.windowColumn ?? null,
    window: request.window ?? null,
    lateness: request.lateness ?? 1,
    drift: request.drift ?? null,
    metrics: request.metrics,
  }
  return createHash('sha256')
    .update(`${JSON.stringify(definition)}\n${stamps.join('\n')}\n${ENGINE_VERSION}`)
    .digest('hex')
}

function sideError(side: 'reference' | 'current', error: unknown): unknown {
  if (error instanceof SourceReadError)
    return new AppError('PIPELINE_INPUT_INVALID', `The ${side} data: ${error.message}`, {
      cause: error,
    })
  return error
}

/** Default retry policy, for front doors that build a request. */
export const DEFAULT_PROJECT_RETRY = DEFAULT_RETRY_POLICY
