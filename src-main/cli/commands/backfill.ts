import { hostname } from 'node:os'
import { resolve } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { BackfillWorkerPool, defaultWorkerCount } from '../../adapters/worker/backfill-worker-pool'
import { defaultProjectWorkerCount } from '../../adapters/worker/project-backfill-worker-pool'
import type { AppConfig } from '../../config/app-config'
import { loadConfig } from '../../config/app-config'
import { maxWorkerCount, parseWorkerCount } from '../../config/worker-count'
import { isoDate, parseIsoDate } from '../../core/pipeline/daily-windows'
import { locateOrDownloadMonthFile } from '../../services/data/locate-or-download-month-file'
import { locateTripFile } from '../../services/data/locate-trip-file'
import type { BackfillRequest } from '../../services/pipeline/backfill-service'
import {
  BackfillService,
  monthRange,
  RunEndNotRecordedError,
} from '../../services/pipeline/backfill-service'
import { DEFAULT_RETRY_POLICY } from '../../services/pipeline/retry-policy'
import { RunEvents } from '../../services/pipeline/run-events'
import type { DayMetrics } from '../../shared/domain/metrics'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { userDirectory, withUserPaths } from '../user-path'
import type { DatabaseSession } from '../database-session'
import type { ProgressStream } from '../progress-bar'
import { ProgressBar } from '../progress-bar'
import type { WindowMetricSpec } from '../../core/quality/window-column-metric'
import { formatWindowMetric } from '../../core/quality/window-column-metric'
// The project path (own-data readers, reports) and the course's extra metrics load only when used, so a
// course backfill's start-up does not pay for them.
import {
  isProjectBackfill,
  parseMetricFlags,
  PROJECT_BACKFILL_HELP,
  projectBackfillOptions,
} from '../project-backfill-options'

export const summary =
  'Compute and store the drift metrics of a month, or of every window of a project (a run with retries, resume, cancel)'

const HELP = `Usage: npm run driftdesk -- backfill --month 2022-02 [options]
       npm run driftdesk -- backfill --yesterday | --date 2022-02-10 [--days N] [options]
       npm run driftdesk -- backfill --resume RUN_ID [options]

Computes the course's monitoring metrics for each day (one task per day), stores them in PostgreSQL
(tables daily_metrics, column_drift, column_missing) and records the run (runs, task_runs, run_logs).
  --month YYYY-MM          the month to monitor (every day of it unless --days)
  --date YYYY-MM-DD        start at this day instead of the 1st; --yesterday: just yesterday (UTC)
  --days N                 how many days (default: to the end of the month)
  --reference-month YYYY-MM  the month the model is trained on (default: the month before)
  --data-dir DIR           read the TLC files from DIR (default: the download cache; missing files are fetched)
  --database-url URL       any PostgreSQL (default: driftdesk's embedded one; or DATABASE_URL)
  --home DIR               driftdesk's state folder (default ~/.driftdesk; or DRIFTDESK_HOME)
  --json                   stdout: exactly one JSON object per day, nothing else
  --workers N              compute threads (default: one per core, ${defaultWorkerCount()} here; own data one fewer, ${defaultProjectWorkerCount()}, since the command's thread reads it; at most ${maxWorkerCount()})
  --pace SECONDS           store one day every SECONDS (the course's SEND_TIMEOUT; default 0)
  --retries N              retries per day for retryable errors (default ${DEFAULT_RETRY_POLICY.retries})
  --retry-delay SECONDS    first retry delay, doubled each retry, plus up to 20% jitter (default ${DEFAULT_RETRY_POLICY.delaySeconds})
  --resume RUN_ID          continue a stopped run; days already stored for the same inputs are skipped
  --force                  recompute days already stored for the same inputs (train --force retrains)
  --estimate-mae           also estimate each day's MAE without its labels (docs/performance-estimation.md);
                           the first run for a reference month fits the estimator (tens of seconds)
Exit code: 0 Completed, 1 Failed, 130 Cancelled, 2 bad options.
${PROJECT_BACKFILL_HELP}`

function parseBackfillArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      month: { type: 'string' },
      date: { type: 'string' },
      yesterday: { type: 'boolean' },
      days: { type: 'string' },
      'reference-month': { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      home: { type: 'string' },
      json: { type: 'boolean' },
      workers: { type: 'string' },
      pace: { type: 'string' },
      retries: { type: 'string' },
      'retry-delay': { type: 'string' },
      resume: { type: 'string' },
      force: { type: 'boolean' },
      'estimate-mae': { type: 'boolean' },
      'parent-schedule': { type: 'string' },
      ...projectBackfillOptions,
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
}

type BackfillValues = ReturnType<typeof parseBackfillArgs>['values']

export async function run(context: CliContext): Promise<number> {
  let values: BackfillValues
  try {
    values = withUserPaths(parseBackfillArgs(context.args).values, context.env)
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`, 2)
  }
  if (values.help === true) {
    context.stdout.write(HELP)
    return 0
  }
  const config = loadConfig(context.env, {
    homeDir: values.home,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
  })
  if (isProjectBackfill(values)) return runOwnDataBackfill(context, config, values)
  const courseMetrics = parseMetricFlags(values.metric)
  const request = values.resume === undefined ? buildRequest(values) : null
  const resumeOverrides = values.resume === undefined ? {} : buildResumeOverrides(values)
  // Start the compute threads first: their modules load while the database starts.
  const workers = request?.workers ?? resumeOverrides.workers ?? defaultWorkerCount()
  const prewarmed = new BackfillWorkerPool(workers)
  prewarmed.warmUp()
  if (request !== null) await preload(prewarmed, config, request, context.signal)
  // Loaded after the thread started: the database modules (pg) are not needed to start computing.
  const { openDatabaseSession, toCliError } = await import('../database-session')
  let session: DatabaseSession
  try {
    session = await openDatabaseSession(context, config, 'driftdesk backfill')
  } catch (error) {
    await prewarmed.close()
    throw error
  }
  if (values.resume !== undefined) {
    // A project run (own data) resumes through its own service, on this session.
    const found = await session.store.resolveRunId(values.resume).catch(() => ({ id: null }))
    const stored = found.id === null ? null : await session.store.getRun(found.id)
    const { isProjectRun, runProjectBackfill } = await import('../project-backfill')
    if (stored !== null && isProjectRun(stored)) {
      try {
        await prewarmed.close()
        return await runProjectBackfill(context, session, null, {
          json: values.json === true,
          workers: resumeOverrides.workers ?? defaultWorkerCount(),
          resumeRunId: stored.id,
          force: values.force === true,
          ...(resumeOverrides.retry === undefined ? {} : { retry: resumeOverrides.retry }),
        })
      } catch (error) {
        throw toCliError(error)
      } finally {
        await session.close()
      }
    }
  }
  const events = new RunEvents()
  const display = new BackfillDisplay(context, values.json === true)
  const unsubscribe = events.subscribe((event) => display.show(event))
  try {
    const service = new BackfillService({
      config,
      store: session.store,
      createRunner: (count) =>
        count === prewarmed.size ? prewarmed : new BackfillWorkerPool(count),
      locateMonthFile: (month, dataDir) =>
        locateMonthFile(
          { ...config, dataDir: dataDir ?? config.dataDir },
          month,
          context.signal,
          context.stderr,
        ),
      hostname: hostname(),
      pid: process.pid,
      // No isProcessAlive: openDatabaseSession has just marked crashed runs; once is enough.
    })
    const outcome = await service.run(request, {
      events,
      signal: context.signal,
      ...(values.resume === undefined ? {} : { resumeRunId: values.resume, resumeOverrides }),
    })
    events.flush()
    const { run } = outcome
    context.stderr.write(
      `Run ${run.id} ${run.state}${run.stateMessage === null ? '' : `: ${run.stateMessage}`}\n`,
    )
    if (run.state === 'Completed' && courseMetrics.length > 0)
      await storeCourseMetrics(context, config, session, run.parameters, courseMetrics)
    if (run.state === 'Completed') return 0
    if (run.state === 'Cancelled') return 130
    return 1
  } catch (error) {
    if (error instanceof RunEndNotRecordedError) {
      throw new CliError(
        `${error.message} To resume: npm run driftdesk -- backfill --resume ${error.runId}`,
        1,
      )
    }
    throw toCliError(error)
  } finally {
    unsubscribe()
    await prewarmed.close()
    await session.close()
  }
}

/**
 * The course's extra per-day metrics (`--metric`), after its run completed: computed on each day's trips and
 * stored in column_metrics (project nyc-taxi); printed one line per day (stderr, so `--json` stays the
 * course's shape on stdout).
 */
async function storeCourseMetrics(
  context: CliContext,
  config: AppConfig,
  session: DatabaseSession,
  parameters: Readonly<Record<string, unknown>>,
  specs: readonly WindowMetricSpec[],
): Promise<void> {
  const startDate = String(parameters.startDate)
  const dataDir = typeof parameters.dataDir === 'string' ? parameters.dataDir : config.dataDir
  const monthFile = await locateMonthFile(
    { ...config, dataDir },
    startDate.slice(0, 7),
    context.signal,
  )
  const { storeCourseExtraMetrics } = await import('../../services/pipeline/course-extra-metrics')
  const days = await storeCourseExtraMetrics(
    session.database.pool,
    monthFile,
    startDate,
    Number(parameters.days),
    specs,
  )
  for (const day of days)
    context.stderr.write(
      `${day.date}  ${day.values.map((v) => `${v.metric}${Number.isNaN(v.parameter) ? '' : `(${v.parameter})`} ${v.column} ${v.value ?? v.error ?? 'null'}`).join('  ')}\n`,
    )
  context.stderr.write(
    `Stored ${specs.map(formatWindowMetric).join(', ')} for ${days.length} day(s) in column_metrics; see \`metrics --project nyc-taxi --month ${startDate.slice(0, 7)} --metric ...\`.\n`,
  )
}

/** `backfill --project NAME|FILE` or ad hoc `--reference --current`: a learner's own data. */
async function runOwnDataBackfill(
  context: CliContext,
  config: AppConfig,
  values: BackfillValues,
): Promise<number> {
  if (values.resume !== undefined)
    throw new CliError('--resume continues a run with its own data; drop the data flags.', 2)
  for (const flag of ['month', 'date', 'days', 'reference-month', 'yesterday', 'pace'] as const)
    if (values[flag] !== undefined)
      throw new CliError(
        `--${flag} is for the course's taxi months; own data is cut into windows by --datetime and --window.`,
        2,
      )
  const { openDatabaseSession, toCliError } = await import('../database-session')
  const { buildProjectBackfillRequest, runProjectBackfill } = await import('../project-backfill')
  const { windowSpecOf } = await import('../../services/pipeline/project-backfill-service')
  let session: DatabaseSession | null = null
  const open = async (): Promise<DatabaseSession> =>
    (session ??= await openDatabaseSession(context, config, 'driftdesk backfill'))
  try {
    const request = await buildProjectBackfillRequest(
      values,
      HELP,
      open,
      userDirectory(context.env),
    )
    let workers: number
    try {
      windowSpecOf(request) // before the database starts
      workers =
        values.workers === undefined
          ? defaultProjectWorkerCount()
          : parseWorkerCount(values.workers)
    } catch (error) {
      throw new CliError((error as Error).message, 2)
    }
    return await runProjectBackfill(context, await open(), request, {
      json: values.json === true,
      workers,
    })
  } catch (error) {
    throw toCliError(error)
  } finally {
    await (session as DatabaseSession | null)?.close()
  }
}

/**
 * Starts loading the model and the month in the compute thread before the database is up, when both
 * files are already at hand; the service's own `load` with the same input then just waits for it.
 * Any problem is left for the run to report (and record) in its usual way.
 */
async function preload(
  pool: BackfillWorkerPool,
  config: AppConfig,
  request: BackfillRequest,
  signal: AbortSignal,
): Promise<void> {
  try {
    const folder = { ...config, dataDir: request.dataDir ?? config.dataDir }
    const [monthFile, referenceFile] = await Promise.all([
      locateTripFile(folder, request.startDate.slice(0, 7)),
      locateTripFile(folder, request.referenceMonth),
    ])
    if (signal.aborted) return
    pool
      .load({
        config,
        referenceMonth: request.referenceMonth,
        referenceFile: referenceFile.path,
        monthFile: monthFile.path,
        startDate: request.startDate,
        days: request.days,
        retrain: false,
      })
      .catch(() => undefined) // the run's own load reports the error
  } catch {
    // A missing file: the run reports it (and downloads it when there is no --data-dir).
  }
}

/**
 * The file of a month: in --data-dir or the cache; a month missing from the cache is downloaded
 * (`locateOrDownloadMonthFile`), its progress drawn as a bar on `progress`.
 */
export async function locateMonthFile(
  config: AppConfig,
  month: string,
  signal: AbortSignal,
  progress?: ProgressStream,
): Promise<string> {
  let bar: ProgressBar | null = null
  return locateOrDownloadMonthFile(config, month, {
    signal,
    onProgress: (event) => {
      if (progress === undefined) return
      if (event.type === 'downloading') {
        bar ??= new ProgressBar(progress, {
          label: event.fileName,
          unit: 'bytes',
          total: event.bytesTotal,
        })
        bar.update(event.bytesDone, {
          total: event.bytesTotal,
          ratePerSecond: event.bytesPerSecond,
        })
      } else if (event.type === 'retrying') {
        bar?.note(`retrying ${event.fileName} (${event.reason})`)
      } else if (event.type === 'ready') {
        bar?.finish()
      }
    },
  })
}

function buildRequest(values: BackfillValues): BackfillRequest {
  let startDate: string
  let days: number
  const dayCount = values.days === undefined ? undefined : parseWhole(values.days, '--days', 1)
  try {
    if (values.yesterday === true) {
      startDate = isoDate(Date.now() - 86_400_000)
      days = dayCount ?? 1
    } else if (values.date !== undefined) {
      startDate = isoDate(parseIsoDate(values.date))
      days = dayCount ?? 1
    } else if (values.month !== undefined) {
      if (!MONTH_PATTERN.test(values.month))
        throw new RangeError(`--month must be YYYY-MM (got '${values.month}').`)
      ;({ startDate, days } = monthRange(values.month, dayCount))
    } else {
      throw new CliError(
        `Say which days: --month YYYY-MM, --date YYYY-MM-DD, --yesterday or --resume RUN_ID.\n\n${HELP}`,
        2,
      )
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    throw new CliError(error instanceof Error ? error.message : String(error), 2)
  }
  const referenceMonth = values['reference-month']
  if (referenceMonth !== undefined && !MONTH_PATTERN.test(referenceMonth)) {
    throw new CliError(`--reference-month must be YYYY-MM (got '${referenceMonth}').`, 2)
  }
  return {
    startDate,
    days,
    referenceMonth: values['reference-month'] ?? previousMonth(startDate.slice(0, 7)),
    force: values.force === true,
    estimateMae: values['estimate-mae'] === true,
    paceSeconds: values.pace === undefined ? 0 : parseSeconds(values.pace, '--pace'),
    workers: values.workers === undefined ? defaultWorkerCount() : parseWorkerCount(values.workers),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      ...(values.retries === undefined
        ? {}
        : { retries: parseWhole(values.retries, '--retries', 0) }),
      ...(values['retry-delay'] === undefined
        ? {}
        : { delaySeconds: parseSeconds(values['retry-delay'], '--retry-delay') }),
    },
    parentSchedule: values['parent-schedule'] ?? null,
    dataDir: values['data-dir'] === undefined ? null : resolve(values['data-dir']),
  }
}

/** On --resume, what to compute comes from the stored run; only how to run may be changed. */
function buildResumeOverrides(values: BackfillValues): Partial<BackfillRequest> {
  if (values.month !== undefined || values.date !== undefined || values.yesterday === true) {
    throw new CliError(
      '--resume continues a run with its own days; drop --month/--date/--yesterday.',
      2,
    )
  }
  return {
    ...(values.force === true ? { force: true } : {}),
    ...(values.pace === undefined ? {} : { paceSeconds: parseSeconds(values.pace, '--pace') }),
    ...(values.workers === undefined ? {} : { workers: parseWorkerCount(values.workers) }),
    ...(values.retries === undefined && values['retry-delay'] === undefined
      ? {}
      : {
          retry: {
            ...DEFAULT_RETRY_POLICY,
            ...(values.retries === undefined
              ? {}
              : { retries: parseWhole(values.retries, '--retries', 0) }),
            ...(values['retry-delay'] === undefined
              ? {}
              : { delaySeconds: parseSeconds(values['retry-delay'], '--retry-delay') }),
          },
        }),
    ...(values['data-dir'] === undefined ? {} : { dataDir: resolve(values['data-dir']) }),
  }
}

function previousMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number]
  const date = new Date(Date.UTC(year, monthNumber - 2, 1))
  return date.toISOString().slice(0, 7)
}

function parseWhole(text: string, option: string, minimum: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < minimum) {
    throw new CliError(
      `${option} must be a whole number of at least ${minimum} (got '${text}').`,
      2,
    )
  }
  return value
}

function parseSeconds(text: string, option: string): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0)
    throw new CliError(`${option} must be 0 or more seconds (got '${text}').`, 2)
  return value
}

/** The course's fields, as `backfill --json` and `metrics --json` print them (one object per day). */
export function dayToJson(day: DayMetrics): Record<string, unknown> {
  return {
    date: day.date,
    rows: day.rows,
    prediction_drift: day.predictionDrift,
    num_drifted_columns: day.numDriftedColumns,
    share_missing_values: day.shareMissingValues,
    ...estimatedMaeToJson(day),
    ...(day.error === undefined ? {} : { error: day.error }),
  }
}

/** The realized MAE beside the MAE estimated without labels and its band (issue 13), when estimated. */
function estimatedMaeToJson(day: DayMetrics): Record<string, unknown> {
  if (day.estimatedMae === undefined || day.estimatedMae === null) return {}
  return {
    mae: day.mae,
    estimated_mae: day.estimatedMae,
    estimated_mae_lower: day.estimatedMaeLower ?? null,
    estimated_mae_upper: day.estimatedMaeUpper ?? null,
  }
}

/** Renders the run's progress events: a bar and notes on stderr; days on stdout (JSON or text). */
class BackfillDisplay {
  private bar: ProgressBar | null = null

  constructor(
    private readonly context: CliContext,
    private readonly json: boolean,
  ) {}

  show(event: Parameters<Parameters<RunEvents['subscribe']>[0]>[0]): void {
    switch (event.type) {
      case 'run-started':
        this.context.stderr.write(`Run ${event.runId} started (${event.totalTasks} day(s)).\n`)
        this.bar = new ProgressBar(this.context.stderr, {
          label: 'backfill',
          unit: 'items',
          itemName: 'days',
          total: event.totalTasks,
        })
        break
      case 'day-result':
        if (this.json) {
          this.context.stdout.write(`${JSON.stringify(dayToJson(event.metrics))}\n`)
        } else {
          this.context.stdout.write(
            `${formatDayLine(event.metrics)}${event.skipped ? '  (stored earlier)' : ''}\n`,
          )
        }
        this.bar?.update(event.done)
        break
      case 'log':
        // An error ends the run and is printed once, with the run's final state.
        if (event.level === 'warning') this.note(`warning: ${event.message}`)
        break
      case 'run-finished':
        if (event.state === 'Completed') this.bar?.finish()
        else this.bar?.fail()
        break
      case 'task-state':
        break
    }
  }

  private note(message: string): void {
    if (this.bar !== null) this.bar.note(message)
    else this.context.stderr.write(`${message}\n`)
  }
}

function formatDayLine(day: DayMetrics): string {
  if (day.rows === 0 || day.predictionDrift === null)
    return `${day.date}  rows ${day.rows}  ${day.error ?? 'no metrics'}`
  return [
    day.date,
    `rows ${day.rows}`,
    `prediction_drift ${day.predictionDrift.toFixed(4)}`,
    `drifted_columns ${day.numDriftedColumns}`,
    `share_missing ${(day.shareMissingValues ?? 0).toFixed(4)}`,
  ].join('  ')
}
