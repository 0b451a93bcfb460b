import { createHash, randomUUID } from 'node:crypto'
import { ENGINE_VERSION } from '../../core/engine-version'
import { TripRecordFrameBuilder } from '../../core/pipeline/trip-record-frame'
import { computeDayMetrics } from '../../core/pipeline/compute-day-metrics'
import type { ReferenceContext } from '../../core/pipeline/reference-context'
import type { DayMetrics } from '../../shared/domain/metrics'
import type { RunRecord, RunState } from '../../shared/domain/runs'
import { AppError } from '../../shared/errors'
import { finishRun } from '../pipeline/finish-run'
import { RunEvents } from '../pipeline/run-events'
import { startRunLiveness } from '../pipeline/run-liveness'
import { RunLogger } from '../pipeline/run-logger'
import type { DayProvenance, RunStore, TaskStateUpdate } from '../pipeline/run-store'

const MICROS_PER_DAY = 86_400_000_000

/** What the collector reads and writes besides the runs (the real one is PostgreSQL). */
export interface LiveLogStore {
  /** One collector per project: null when another process holds the project. */
  lockCollector(project: string): Promise<{ release(): Promise<void> } | null>
  /** Gives logged rows without an event time the record's `field`. */
  stampEventTimes(project: string, field: string): Promise<number>
  eventTimeWatermark(project: string): Promise<number | null>
  countRowsPerWindow(
    project: string,
    lengthMicros: number,
    originMicros: number,
    sinceMicros: number,
  ): Promise<readonly { startMicros: number; rows: number }[]>
  readWindowRows(
    project: string,
    startMicros: number,
    endMicros: number,
  ): AsyncIterable<readonly { record: Readonly<Record<string, unknown>>; prediction: number }[]>
  listStoredLiveWindows(
    project: string,
  ): Promise<readonly { startMicros: number; rows: number; provisional: boolean }[]>
  saveLiveWindow(
    window: { metrics: DayMetrics; endTimestamp: string; provisional: boolean },
    provenance: DayProvenance & { project: string },
    task: TaskStateUpdate,
  ): Promise<void>
  /** Recomputes MAE/RMSE/labelled share from feedback where they changed; returns how many windows. */
  updateLabelMetrics(project: string): Promise<number>
  /** A cheap summary of the feedback table: when it changes, labels are recomputed. */
  feedbackVersion(): Promise<string>
}

/** The reference the windows are compared with, and its fingerprint. */
export interface LiveReference {
  readonly context: ReferenceContext
  readonly referenceMonth: string
  /** The trained model's fingerprint (what the reference data and model derive from). */
  readonly modelFingerprint: string
}

export interface CollectRequest {
  readonly project: string
  /** Window length in microseconds: whole days (the store keys windows by their start day). */
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
 * once, when they close).
 *
 * Exactly once: one collector per project (an advisory lock, released by PostgreSQL if the process
 * dies); each window is stored with its task's Completed state in one transaction; a window already
 * stored (not provisional) is never computed again, so a collector started after a crash or SIGKILL
 * computes only the windows that were not stored.
 *
 * For the taxi project each window is exactly the course's day: the frame of the logged records has the
 * TLC file's columns and types, the logged prediction is the prediction column, and the reference is
 * the course's, so the numbers equal the batch backfill's. MAE/RMSE come from feedback (delayed labels).
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
    if (request.windowMicros <= 0 || request.windowMicros % MICROS_PER_DAY !== 0) {
      throw new AppError(
        'INVALID_REQUEST',
        'The collector stores windows of whole days (1d, 2d, 7d…): the metrics tables key a window by its start day.',
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
      const fingerprint = createHash('sha256')
        .update(
          `${reference.modelFingerprint}\n${ENGINE_VERSION}\nlive\n${windowMicros}\n${latenessMicros}`,
        )
        .digest('hex')
      logger.log(
        'info',
        `Collecting ${project} in windows of ${windowMicros / MICROS_PER_DAY} day(s), lateness ${latenessMicros / 1e6} s, against the reference of ${reference.referenceMonth}${request.follow ? ', following the log' : ''}.`,
      )
      const stored = new Map(
        (await log.listStoredLiveWindows(project)).map((w) => [w.startMicros, w]),
      )
      // Windows before `since` are closed and handled: later looks at the log start there.
      let since = Number.MIN_SAFE_INTEGER
      let lastFeedback = ''
      let reused = 0
      const lateWarned = new Set<number>()
      for (;;) {
        if (isAborted(signal) || (await this.isCancelRequested(runId))) break
        await log.stampEventTimes(project, EVENT_TIME_FIELD)
        const watermark = await log.eventTimeWatermark(project)
        const windows =
          watermark === null
            ? []
            : await log.countRowsPerWindow(project, windowMicros, originFor(windowMicros), since)
        for (const window of windows) {
          const end = window.startMicros + windowMicros
          const closed = watermark !== null && watermark >= end + latenessMicros
          if (!closed && request.follow) break
          const existing = stored.get(window.startMicros)
          if (existing !== undefined && !existing.provisional) {
            if (existing.rows !== window.rows && !lateWarned.has(window.startMicros)) {
              lateWarned.add(window.startMicros)
              logger.log(
                'warning',
                `${labelOf(window.startMicros)}: ${window.rows - existing.rows} row(s) arrived after the window closed (beyond the lateness); its stored metrics do not count them.`,
              )
            }
            if (closed) since = Math.max(since, end)
            reused++
            continue
          }
          if (existing !== undefined && !closed && existing.rows === window.rows) {
            reused++ // provisional, and nothing new arrived for it
            continue
          }
          if (isAborted(signal)) break
          const metrics = await this.computeWindow(
            runId,
            request,
            reference,
            fingerprint,
            window.startMicros,
            !closed,
            events,
          )
          stored.set(window.startMicros, {
            startMicros: window.startMicros,
            rows: metrics.rows,
            provisional: !closed,
          })
          computed.push({ metrics, provisional: !closed })
          if (closed) since = Math.max(since, end)
        }
        const feedback = await log.feedbackVersion()
        if (feedback !== lastFeedback || computed.length > 0) {
          const updated = await log.updateLabelMetrics(project)
          if (updated > 0 && feedback !== lastFeedback && lastFeedback !== '')
            logger.log('info', `Label metrics updated for ${updated} window(s) from new feedback.`)
          lastFeedback = feedback
        }
        if (!request.follow) break
        await sleep(request.pollMs ?? 1_000, signal)
      }
      const provisional = computed.filter((w) => w.provisional).length
      const message =
        `${computed.length} window(s) computed${provisional > 0 ? ` (${provisional} provisional: the log ran out before ${provisional === 1 ? 'it' : 'they'} closed)` : ''}, ` +
        `${reused} already stored.`
      logger.log('info', message)
      final = {
        state: isAborted(signal) && !request.follow ? 'Cancelled' : 'Completed',
        message,
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      logger.log('error', message)
      final = { state: 'Failed', message }
    } finally {
      releaseLiveness()
    }
    await logger.flushed()
    await finishRun(store, runId, final)
    events.emit({ type: 'run-finished', runId, state: final.state, message: final.message })
    const run = (await store.getRun(runId)) as RunRecord
    if (final.state === 'Failed') {
      throw new AppError('INTERNAL', `Collector run ${runId} failed: ${final.message ?? ''}`)
    }
    return { run, computed }
  }

  /** One window's task: read its rows page by page, compute, store with the task in one transaction. */
  private async computeWindow(
    runId: string,
    request: CollectRequest,
    reference: LiveReference,
    fingerprint: string,
    startMicros: number,
    provisional: boolean,
    events: RunEvents,
  ): Promise<DayMetrics> {
    const { store, log } = this.deps
    const taskKey = `window:${labelOf(startMicros)}`
    const taskId = randomUUID()
    await store.saveTask({ id: taskId, runId, taskKey, state: 'Running', attempts: 1 })
    events.emit({ type: 'task-state', runId, taskKey, state: 'Running', attempt: 1 })
    try {
      const frame = new TripRecordFrameBuilder()
      let predictions = new Float64Array(4096)
      for await (const page of log.readWindowRows(
        request.project,
        startMicros,
        startMicros + request.windowMicros,
      )) {
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
      const date = labelOf(startMicros)
      const metrics = computeDayMetrics(
        reference.context,
        current,
        date,
        {},
        predictions.slice(0, current.rowCount),
      )
      await log.saveLiveWindow(
        {
          metrics,
          endTimestamp: timestampOf(startMicros + request.windowMicros),
          provisional,
        },
        {
          project: request.project,
          source: 'live',
          referenceMonth: reference.referenceMonth,
          runId,
          inputsFingerprint: fingerprint,
        },
        {
          id: taskId,
          runId,
          taskKey,
          state: 'Completed',
          attempts: 1,
          error: provisional
            ? 'Provisional: computed when the log ran out, before the window closed; recomputed once when it closes.'
            : null,
          inputsFingerprint: fingerprint,
        },
      )
      events.emit({ type: 'task-state', runId, taskKey, state: 'Completed', attempt: 1 })
      return metrics
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

/** Windows of whole weeks start on Mondays, as `core/data/windows.ts` cuts them; others on the epoch. */
function originFor(windowMicros: number): number {
  return windowMicros % (7 * MICROS_PER_DAY) === 0 ? -3 * MICROS_PER_DAY : 0
}

/** `YYYY-MM-DD` of a window start (whole days). */
function labelOf(micros: number): string {
  return new Date(micros / 1000).toISOString().slice(0, 10)
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
