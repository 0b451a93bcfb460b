import { createHash, randomUUID } from 'node:crypto'
import type { AppConfig } from '../../config/app-config'
import { ENGINE_VERSION } from '../../core/engine-version'
import { daysInMonth, isoDate, parseIsoDate } from '../../core/pipeline/daily-windows'
import type { DayMetrics, ModelSummary } from '../../shared/domain/metrics'
import type { RunRecord, RunState } from '../../shared/domain/runs'
import { AppError } from '../../shared/errors'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { BackfillComputeRunner, ComputedDay } from './backfill-compute-runner'
import { markCrashedRuns } from './mark-crashed-runs'
import { DEFAULT_RETRY_POLICY, isRetryableError, retryDelaySeconds } from './retry-policy'
import type { RetryPolicy } from './retry-policy'
import { finishRun } from './finish-run'
import { RunEvents } from './run-events'
import { startRunLiveness } from './run-liveness'
import { RunLogger } from './run-logger'
import type { BackfillMonthLock, RunStore, StoredDay } from './run-store'

/** What a backfill computes: `days` logical days from `startDate`, all inside one month's file. */

/** A run whose end could not be written because the database went away; it is resumable. */
export class RunEndNotRecordedError extends AppError {
  constructor(
    readonly runId: string,
    message: string,
    cause: unknown,
  ) {
    super('DB_UNREACHABLE', message, { cause })
    this.name = 'RunEndNotRecordedError'
  }
}

export interface BackfillRequest {
  /** `YYYY-MM-DD`; the month's file is the one this date falls in. */
  readonly startDate: string
  readonly days: number
  readonly referenceMonth: string
  /** Recompute days already stored with the same inputs. */
  readonly force: boolean
  /** Seconds between two stored days (the course's SEND_TIMEOUT); 0 runs flat out. */
  readonly paceSeconds: number
  readonly retry: RetryPolicy
  readonly workers: number
  /** The schedule that started this run, if any. */
  readonly parentSchedule?: string | null
  /** The folder of TLC files given with --data-dir (recorded so a resume reads the same files). */
  readonly dataDir?: string | null
  /**
   * Also estimate each day's MAE without its labels (issue #13, `--estimate-mae`). Opt-in: the first
   * backfill for a reference month then fits the estimator (tens of seconds of CPU, saved beside the
   * model and reused).
   */
  readonly estimateMae?: boolean
}

/** States a backfill run can be resumed from: it has ended (a finished run resumes to recheck days). */
const RESUMABLE_STATES: readonly RunState[] = [
  'Scheduled',
  'Completed',
  'Failed',
  'Cancelled',
  'Crashed',
]

/** Everything outside the service: the store, the compute pool, the files, this process. */
export interface BackfillDependencies {
  readonly config: AppConfig
  readonly store: RunStore
  readonly createRunner: (workers: number) => BackfillComputeRunner
  /**
   * The Parquet file of a `YYYY-MM` month, in `dataDir` when given, else the app's cache (throws a clear
   * error when it is missing).
   */
  readonly locateMonthFile: (month: string, dataDir: string | null) => Promise<string>
  readonly hostname: string
  readonly pid: number
  /**
   * When given, runs left behind by dead processes are marked Crashed before each backfill. Leave it out
   * when the caller has already done that for this database (the CLI does it on opening its session).
   */
  readonly isProcessAlive?: (pid: number) => boolean
  readonly random?: () => number
  /** Milliseconds between heartbeats of a live run (default 5 s). */
  readonly heartbeatMs?: number
}

export interface BackfillOutcome {
  readonly run: RunRecord
  /** Days stored by this call or reused, in day order. */
  readonly days: readonly DayMetrics[]
  readonly summary: ModelSummary | null
}

/** A `YYYY-MM` month and optional day count → the request's date range (the whole month by default). */
export function monthRange(month: string, days?: number): { startDate: string; days: number } {
  const total = daysInMonth(month)
  const count = days ?? total
  if (!Number.isInteger(count) || count < 1 || count > total) {
    throw new AppError(
      'INVALID_REQUEST',
      `--days must be between 1 and ${total} for ${month} (got ${String(days)}).`,
    )
  }
  return { startDate: `${month}-01`, days: count }
}

/**
 * A backfill run with Prefect's guarantees (issue 4): one task per day; days computed in a worker
 * pool and stored in day order, each with its task state in one transaction; retries with backoff for
 * retryable errors only; resume and re-runs skip days already stored for the same inputs unless forced;
 * cancel (state Cancelling, polled between days) stops after the day in flight; pacing; logs and
 * progress events. `run` resolves when the run is in a terminal state, whichever it is.
 */
export class BackfillService {
  constructor(private readonly deps: BackfillDependencies) {}

  /**
   * Starts a new run (or resumes `resumeRunId`) and drives it to the end.
   * @throws {AppError} RUN_NOT_FOUND / INVALID_REQUEST before a run exists; afterwards failures are
   * recorded on the run (state Failed, message) and the outcome is returned.
   */
  async run(
    request: BackfillRequest | null,
    options: {
      events?: RunEvents
      signal?: AbortSignal
      resumeRunId?: string
      /** On resume, how to run may change (force, pace, workers, retries, data folder); what to compute not. */
      resumeOverrides?: Partial<BackfillRequest>
    } = {},
  ): Promise<BackfillOutcome> {
    const { store } = this.deps
    const events = options.events ?? new RunEvents()
    // A front door that has already run the crash check for this store (the CLI's database session)
    // leaves isProcessAlive out; the app passes it.
    if (this.deps.isProcessAlive !== undefined) {
      await markCrashedRuns(store, {
        hostname: this.deps.hostname,
        isProcessAlive: this.deps.isProcessAlive,
      })
    }

    let runId: string
    let effective: BackfillRequest
    let priorAttempts = new Map<string, number>()
    let lock: BackfillMonthLock | null = null
    if (options.resumeRunId !== undefined) {
      const resumed = await this.prepareResume(options.resumeRunId, options.resumeOverrides ?? {})
      runId = resumed.run.id
      effective = resumed.request
      lock = resumed.lock
      priorAttempts = new Map((await store.listTasks(runId)).map((t) => [t.taskKey, t.attempts]))
    } else {
      if (request === null)
        throw new AppError('INVALID_REQUEST', 'A backfill needs a month or a date range.')
      validateRequest(request)
      effective = request
      lock = await this.lockMonths(effective)
      runId = randomUUID()
      await store
        .createRun({
          id: runId,
          job: 'backfill',
          parameters: requestToParameters(effective),
          state: 'Pending',
          pid: this.deps.pid,
          hostname: this.deps.hostname,
          parentSchedule: effective.parentSchedule ?? null,
        })
        .catch(async (error: unknown) => {
          await lock?.release()
          throw error
        })
    }
    try {
      return await this.drive(runId, effective, events, priorAttempts, options.signal)
    } finally {
      await lock?.release()
    }
  }

  /**
   * Holds the months `request` writes for this run, so two backfills never write one month at once
   * (issue 9: the second died on a raw duplicate-key error). @throws {AppError} BUSY naming the run.
   */
  private async lockMonths(request: BackfillRequest): Promise<BackfillMonthLock | null> {
    const { store } = this.deps
    if (store.lockBackfillMonths === undefined) return null
    const first = parseIsoDate(request.startDate)
    const months = [first, first + (request.days - 1) * 86_400_000].map((t) =>
      isoDate(t).slice(0, 7),
    )
    const outcome = await store.lockBackfillMonths(months)
    if ('release' in outcome) return outcome
    const holder = outcome.runId === null ? 'just starting' : `run ID ${outcome.runId}`
    throw new AppError(
      'BUSY',
      `Another backfill of ${outcome.month} is running (${holder}): wait for it to finish or cancel it, then start this one again.`,
    )
  }

  private async prepareResume(
    idOrPrefix: string,
    override: Partial<BackfillRequest>,
  ): Promise<{ run: RunRecord; request: BackfillRequest; lock: BackfillMonthLock | null }> {
    const { store } = this.deps
    const { id, candidates } = await store.resolveRunId(idOrPrefix)
    if (id === null) {
      throw new AppError(
        'RUN_NOT_FOUND',
        candidates > 1
          ? `Run id '${idOrPrefix}' matches several runs; give more characters (see \`runs list\`).`
          : `No run '${idOrPrefix}' exists in this database; see \`runs list\` for run ids.`,
      )
    }
    const run = (await store.getRun(id)) as RunRecord
    if (run.job !== 'backfill') {
      throw new AppError(
        'INVALID_REQUEST',
        `Run ${run.id} is a ${run.job} run; only backfill runs can be resumed.`,
      )
    }
    if (
      run.state === 'Running' ||
      run.state === 'Retrying' ||
      run.state === 'Cancelling' ||
      run.state === 'Pending'
    ) {
      throw new AppError(
        'INVALID_REQUEST',
        `Run ${run.id} is still ${run.state} (pid ${run.pid ?? '?'} on ${run.hostname ?? '?'}); cancel it first or wait for it.`,
      )
    }
    const stored = parametersToRequest(run.parameters)
    const request: BackfillRequest = {
      ...stored,
      // How to run may change on resume; what to compute may not.
      force: override.force ?? false,
      paceSeconds: override.paceSeconds ?? stored.paceSeconds,
      workers: override.workers ?? stored.workers,
      retry: override.retry ?? stored.retry,
      dataDir: override.dataDir ?? stored.dataDir ?? null,
    }
    const lock = await this.lockMonths(request)
    // Check-then-act is not enough: another process may resume the same run between the read above
    // and here. The claim is one conditional UPDATE; only one process gets the row.
    const claimed = await store
      .claimRun(
        run.id,
        this.deps.pid,
        this.deps.hostname,
        RESUMABLE_STATES,
        `Resumed from ${run.state}.`,
      )
      .catch(async (error: unknown) => {
        await lock?.release()
        throw error
      })
    if (!claimed) {
      await lock?.release()
      const now = await store.getRun(run.id)
      throw new AppError(
        'INVALID_REQUEST',
        `Run ${run.id} was resumed by another process a moment ago (now ${now?.state ?? 'gone'}, pid ${now?.pid ?? '?'} on ${now?.hostname ?? '?'}); wait for it or cancel it.`,
      )
    }
    return { run, request, lock }
  }

  private async drive(
    runId: string,
    request: BackfillRequest,
    events: RunEvents,
    priorAttempts: ReadonlyMap<string, number>,
    signal: AbortSignal | undefined,
  ): Promise<BackfillOutcome> {
    const { store, config } = this.deps
    const logger = new RunLogger(store, events, runId)
    const random = this.deps.random ?? Math.random
    const month = request.startDate.slice(0, 7)
    const dates = Array.from({ length: request.days }, (_, i) =>
      isoDate(parseIsoDate(request.startDate) + i * 86_400_000),
    )
    events.emit({ type: 'run-started', runId, job: 'backfill', totalTasks: request.days })
    const releaseLiveness = startRunLiveness(store, runId, this.deps.heartbeatMs)

    const results: DayMetrics[] = []
    let summary: ModelSummary | null = null
    let runner: BackfillComputeRunner | null = null
    let final: { state: RunState; message: string | null }
    try {
      await store.setRunState(runId, 'Running')
      logger.log(
        'info',
        `Backfill of ${request.days} day(s) from ${request.startDate} against reference ${request.referenceMonth}` +
          ` (${request.workers} worker thread(s)${request.paceSeconds > 0 ? `, one day every ${request.paceSeconds} s` : ''}).`,
      )
      const [monthFile, referenceFile] = await Promise.all([
        this.deps.locateMonthFile(month, request.dataDir ?? null),
        this.deps.locateMonthFile(request.referenceMonth, request.dataDir ?? null),
      ])
      runner = this.deps.createRunner(request.workers)
      const loaded = await runner.load({
        config,
        referenceMonth: request.referenceMonth,
        referenceFile,
        monthFile,
        startDate: request.startDate,
        days: request.days,
        // The model is a pure function of its fingerprinted inputs; `train --force` retrains it.
        retrain: false,
        estimateMae: request.estimateMae === true,
      })
      summary = loaded.summary
      logger.log(
        'info',
        `${loaded.trainedNow ? 'Trained' : 'Loaded'} the model on ${request.referenceMonth} (${loaded.summary.referenceRows} reference rows); read ${loaded.monthRows} trips of ${month} in ${Math.round(loaded.loadMs)} ms.`,
      )
      const fingerprint = createHash('sha256')
        .update(
          `${loaded.modelFingerprint}\n${loaded.monthFileSha256}\n${ENGINE_VERSION}` +
            // A day stored without its estimate is not reused by a run that asks for one.
            (request.estimateMae === true ? '\nestimate-mae' : ''),
        )
        .digest('hex')

      const lastDate = isoDate(parseIsoDate(request.startDate) + request.days * 86_400_000)
      const stored = new Map<string, StoredDay>(
        (await store.listStoredDays(request.startDate, lastDate)).map((day) => [
          day.metrics.date,
          day,
        ]),
      )
      const reusable = (date: string): StoredDay | null => {
        const day = stored.get(date)
        return !request.force && day !== undefined && day.inputsFingerprint === fingerprint
          ? day
          : null
      }
      // Queue every day that needs computing at once: the pool hands them to idle workers.
      const computing = new Map<number, Promise<ComputedDay>>()
      dates.forEach((date, index) => {
        if (reusable(date) !== null) return
        const promise = runner!.computeDay(index)
        promise.catch(() => undefined) // handled when the writer reaches this day
        computing.set(index, promise)
      })

      const started = Date.now()
      let cancelled = false
      let storedCount = 0
      // Days taken from the store that no attempt of this run computed (a resume's own earlier days are
      // this run's work, not reuse).
      let reusedCount = 0
      for (const [index, date] of dates.entries()) {
        if (await this.isCancelRequested(runId, signal)) {
          cancelled = true
          break
        }
        const taskKey = `day:${date}`
        const reused = reusable(date)
        if (reused !== null) {
          await store.saveTask({
            id: randomUUID(),
            runId,
            taskKey,
            state: 'Completed',
            attempts: priorAttempts.get(taskKey) ?? 0,
            inputsFingerprint: fingerprint,
          })
          results.push(reused.metrics)
          if ((priorAttempts.get(taskKey) ?? 0) === 0) reusedCount++
          events.emit({
            type: 'task-state',
            runId,
            taskKey,
            state: 'Completed',
            // As saved: the attempts an earlier part of this run made, or 0 for a day reused as stored.
            attempt: priorAttempts.get(taskKey) ?? 0,
            message: 'Reused the stored result (same inputs).',
          })
          events.emit({
            type: 'day-result',
            runId,
            metrics: reused.metrics,
            skipped: true,
            done: index + 1,
            total: dates.length,
          })
          continue
        }
        if (request.paceSeconds > 0 && storedCount > 0) {
          cancelled = await this.pace(
            started + storedCount * request.paceSeconds * 1000,
            runId,
            signal,
          )
          if (cancelled) break
        }
        const metrics = await this.runDayTask({
          runId,
          taskKey,
          index,
          firstAttempt: priorAttempts.get(taskKey) ?? 0,
          computing: computing.get(index) as Promise<ComputedDay>,
          runner,
          request,
          fingerprint,
          events,
          logger,
          random,
          signal,
        })
        storedCount++
        results.push(metrics)
        events.emit({
          type: 'day-result',
          runId,
          metrics,
          skipped: false,
          done: index + 1,
          total: dates.length,
        })
      }
      if (cancelled) {
        runner.cancelQueued('The run was cancelled.')
        logger.log('warning', `Cancelled after ${results.length} of ${dates.length} day(s).`)
        final = {
          state: 'Cancelled',
          message: `Cancelled after ${results.length} of ${dates.length} day(s).`,
        }
      } else {
        const withoutRows = results.filter((day) => day.rows === 0).length
        // Reused days are not recomputed: say so, rather than "stored" for both.
        const computed = results.length - reusedCount
        const message = `${reusedCount} reused, ${computed} computed (${results.length} day(s) stored${withoutRows > 0 ? `, ${withoutRows} without trips` : ''}).`
        logger.log('info', message)
        final = { state: 'Completed', message }
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      logger.log('error', message)
      final = { state: 'Failed', message }
    } finally {
      releaseLiveness()
      await runner?.close()
    }
    await logger.flushed()
    let run: RunRecord
    try {
      await finishRun(store, runId, final)
      run = (await store.getRun(runId)) as RunRecord
    } catch (error) {
      // The database itself went away (e.g. its server was killed): the run cannot be closed in it, so
      // this must not read as an ending; it stays Running there until the next start marks it Crashed.
      const failed: RunState = final.state === 'Completed' ? 'Failed' : final.state
      const message = `Run ${runId} could not record its end (${final.state}${final.message === null ? '' : `: ${final.message}`}) because the database stopped answering (${error instanceof Error ? error.message : String(error)}). driftdesk marks it Crashed when it next opens the database; resume it then.`
      events.emit({ type: 'run-finished', runId, state: failed, message })
      throw new RunEndNotRecordedError(runId, message, error)
    }
    events.emit({ type: 'run-finished', runId, state: final.state, message: final.message })
    return { run, days: results, summary }
  }

  /**
   * One day's task: wait for its computation, store it with the task's Completed state in one
   * transaction; on a retryable failure wait (backoff + jitter) and try again — recomputing only when
   * the computation itself failed — up to `retries` times. @throws the last error when it gives up.
   */
  private async runDayTask(task: {
    runId: string
    taskKey: string
    index: number
    firstAttempt: number
    computing: Promise<ComputedDay>
    runner: BackfillComputeRunner
    request: BackfillRequest
    fingerprint: string
    events: RunEvents
    logger: RunLogger
    random: () => number
    signal: AbortSignal | undefined
  }): Promise<DayMetrics> {
    const { store } = this.deps
    const { runId, taskKey, request, events, logger } = task
    const taskId = randomUUID()
    // The id stored for this task (an earlier one when a resumed run already has the task).
    let storedTaskId: string | null = null
    let computed: ComputedDay | null = null
    let computing: Promise<ComputedDay> | null = task.computing
    for (let retry = 0; ; retry++) {
      const attempt = task.firstAttempt + retry + 1
      try {
        storedTaskId = await store.saveTask({
          id: taskId,
          runId,
          taskKey,
          state: 'Running',
          attempts: attempt,
        })
        events.emit({ type: 'task-state', runId, taskKey, state: 'Running', attempt })
        computed ??= await (computing ?? task.runner.computeDay(task.index))
        const day = computed.metrics
        await store.saveDayResult(
          day,
          { referenceMonth: request.referenceMonth, runId, inputsFingerprint: task.fingerprint },
          {
            id: taskId,
            runId,
            taskKey,
            state: 'Completed',
            attempts: attempt,
            error: day.error ?? null,
            inputsFingerprint: task.fingerprint,
          },
        )
        events.emit({ type: 'task-state', runId, taskKey, state: 'Completed', attempt })
        if (day.error !== undefined)
          logger.log('warning', `${day.date}: ${day.error}`, storedTaskId)
        return day
      } catch (error) {
        computing = null
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
            `${taskKey} failed after ${attempt - task.firstAttempt} attempt(s)${retryable ? '' : ' (not retryable)'}: ${message}`,
            { cause: error },
          )
        }
        const delay = retryDelaySeconds(request.retry, retry + 1, task.random)
        logger.log(
          'warning',
          `${taskKey} attempt ${attempt} failed (${message}); retrying in ${delay.toFixed(2)} s.`,
          storedTaskId,
        )
        await store
          .saveTask({
            id: taskId,
            runId,
            taskKey,
            state: 'Retrying',
            attempts: attempt,
            error: message,
          })
          .catch(() => undefined) // recorded on the next attempt if the database is still away
        events.emit({ type: 'task-state', runId, taskKey, state: 'Retrying', attempt, message })
        await sleep(delay * 1000, task.signal)
      }
    }
  }

  /** Cancel requested by `runs cancel` (state Cancelling in the database) or by this process's signal. */
  private async isCancelRequested(
    runId: string,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
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

  /** Waits until `until` (epoch ms), checking for a cancel twice a second. Resolves true if cancelled. */
  private async pace(
    until: number,
    runId: string,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    while (Date.now() < until) {
      await sleep(Math.min(500, until - Date.now()), signal)
      if (await this.isCancelRequested(runId, signal)) return true
    }
    return false
  }
}

function validateRequest(request: BackfillRequest): void {
  parseIsoDate(request.startDate)
  const month = request.startDate.slice(0, 7)
  const dayOfMonth = Number(request.startDate.slice(8, 10))
  if (
    !Number.isInteger(request.days) ||
    request.days < 1 ||
    dayOfMonth - 1 + request.days > daysInMonth(month)
  ) {
    throw new AppError(
      'INVALID_REQUEST',
      `${request.days} day(s) from ${request.startDate} leave ${month}; a backfill covers days of one month (one TLC file).`,
    )
  }
  if (!MONTH_PATTERN.test(request.referenceMonth)) {
    throw new AppError(
      'INVALID_REQUEST',
      `The reference month must be YYYY-MM (got '${request.referenceMonth}').`,
    )
  }
  if (!(request.paceSeconds >= 0))
    throw new AppError('INVALID_REQUEST', `--pace must be 0 or more seconds.`)
}

function requestToParameters(request: BackfillRequest): Record<string, unknown> {
  return {
    startDate: request.startDate,
    days: request.days,
    referenceMonth: request.referenceMonth,
    force: request.force,
    paceSeconds: request.paceSeconds,
    workers: request.workers,
    retries: request.retry.retries,
    retryDelaySeconds: request.retry.delaySeconds,
    exponentialBackoff: request.retry.exponentialBackoff,
    retryJitterFactor: request.retry.jitterFactor,
    dataDir: request.dataDir ?? null,
    estimateMae: request.estimateMae === true,
  }
}

function parametersToRequest(parameters: Readonly<Record<string, unknown>>): BackfillRequest {
  const number = (key: string, fallback: number): number =>
    typeof parameters[key] === 'number' ? (parameters[key] as number) : fallback
  return {
    startDate: String(parameters.startDate),
    days: number('days', 1),
    referenceMonth: String(parameters.referenceMonth),
    dataDir: typeof parameters.dataDir === 'string' ? parameters.dataDir : null,
    force: parameters.force === true,
    estimateMae: parameters.estimateMae === true,
    paceSeconds: number('paceSeconds', 0),
    workers: number('workers', 1),
    retry: {
      retries: number('retries', DEFAULT_RETRY_POLICY.retries),
      delaySeconds: number('retryDelaySeconds', DEFAULT_RETRY_POLICY.delaySeconds),
      exponentialBackoff: parameters.exponentialBackoff !== false,
      jitterFactor: number('retryJitterFactor', DEFAULT_RETRY_POLICY.jitterFactor),
    },
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve()
      return
    }
    const timer = setTimeout(done, Math.max(0, ms))
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
