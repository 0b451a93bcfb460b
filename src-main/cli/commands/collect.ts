import { stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import process from 'node:process'
import { latestModelVersion } from '../../adapters/postgres/live-log-repository'
import { createPostgresLiveLogStore } from '../../adapters/postgres/postgres-live-log-store'
import { loadConfig } from '../../config/app-config'
import { parseWindowSpec } from '../../core/data/windows'
import { createReferenceContext } from '../../core/pipeline/reference-context'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { LiveReference } from '../../services/live/collector-service'
import { CollectorService } from '../../services/live/collector-service'
import { loadProjectLiveReference } from '../../services/live/project-live-reference'
import { ProjectNotFoundError } from '../../services/projects/resolve-project'
import { tripFileLocation } from '../../services/data/locate-trip-file'
import { ensureTrainedModel, modelPaths } from '../../services/model/model-service'
import { RunEvents } from '../../services/pipeline/run-events'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import type { DatabaseSession } from '../database-session'
import { openDatabaseSession, toCliError } from '../database-session'
import { parseCommandOptions } from '../parse-command-options'
import type { ProjectBackfillRequest } from '../../services/pipeline/project-backfill-service'
import { buildProjectBackfillRequest, windowToJson } from '../project-backfill'
import { userDirectory } from '../user-path'
import { dayToJson, locateMonthFile } from './backfill'

export const summary =
  "Compute a project's metrics per window of the prediction log as windows close (live monitoring)"

const HELP = `Usage: npm run driftdesk -- collect --project nyc-taxi|NAME|FILE [--window 1d] [--lateness 0] [--follow] [--json] [--metric SPEC] [--reference-month 2022-01] [--data-dir DIR] [--database-url URL] [--home DIR]

Reads the project's prediction_log (what \`serve\` logs) by event time (the trip's pickup; for your own
project its window column, as logged through POST /log) and stores the project's metrics for each window
as it closes, beside the backfill's as source 'live' (\`metrics --project nyc-taxi --source live --month
2022-02\` prints them). See docs/live-collector.md.
  --project NAME|FILE   nyc-taxi (the course), a stored project (\`project add\`) or a project file: its
                        reference, mapping, drift options and extra metrics, as \`backfill --project\`
  --window D            window length, any duration: 1d (default; your project: its window.every), 1h,
                        15m, 7d, 1w (weeks start on Monday). Windows start at multiples of the length.
  --lateness D          how long after a window's end its rows may still arrive (0 default; 30m, 2h, 1d)
                        A window closes when the latest logged event time reaches its end + lateness.
  --follow              keep listening (a look at the log every --poll-ms, 1000 default) and compute
                        windows as they close; stop with Ctrl+C. Without it: compute every window with
                        rows and stop; windows not yet closed are stored as provisional and computed
                        again, once, when they close.
  --json                stdout: one JSON object per window computed, the fields of \`backfill --json\`
  --metric SPEC         your project: an extra metric per window besides its metrics: (repeatable;
                        quantile:COL:Q, value_range:COL, mean:COL, missing_share:COL, missing_count:COL)
  --reference-month M   nyc-taxi: the reference (default: the month of the model that logged the predictions)
  --data-dir DIR        nyc-taxi: read the reference month's TLC file from DIR (default: the download cache)
A logged row whose field does not fit the reference's column (a wrong type) fails its window: the window
is stored with the error naming the column and the row, the others go on, and the run ends Failed (exit
1); run collect again after fixing the row: failed windows are computed again.
Each window is stored exactly once through a run (see \`runs list\`); one collector per project at a
time; after a crash, run collect again: it computes only the windows not yet stored.
`

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      project: { type: 'string' },
      window: { type: 'string' },
      lateness: { type: 'string' },
      follow: { type: 'boolean' },
      'poll-ms': { type: 'string' },
      json: { type: 'boolean' },
      metric: { type: 'string', multiple: true },
      'reference-month': { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  const project = values.project
  if (project === undefined) throw new CliError(`--project is required.\n\n${HELP}`, 2)
  const isCourse = project === COURSE_PROJECT
  if (isCourse && values.metric !== undefined)
    throw new CliError(
      `--metric is for your own projects in collect; for ${COURSE_PROJECT} use \`backfill --month M --metric SPEC\`.`,
      2,
    )
  if (!isCourse && values['reference-month'] !== undefined)
    throw new CliError(
      `--reference-month is for ${COURSE_PROJECT}; your project's reference is its reference files.`,
      2,
    )
  if (values.window !== undefined) parseDuration(values.window, '--window') // before the database starts
  const latenessText = values.lateness ?? '0'
  const latenessMicros = latenessText === '0' ? 0 : parseDuration(latenessText, '--lateness')
  const pollMs = Number(values['poll-ms'] ?? '1000')
  if (!Number.isInteger(pollMs) || pollMs < 10) {
    throw new CliError(`--poll-ms must be a whole number of milliseconds, at least 10.`, 2)
  }
  const month = values['reference-month']
  if (month !== undefined && !MONTH_PATTERN.test(month)) {
    throw new CliError(`--reference-month must be YYYY-MM (got '${month}').`, 2)
  }
  const config = loadConfig(context.env, {
    homeDir: values.home,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
  })
  const session = await openDatabaseSession(context, config, 'driftdesk collect')
  const { pool } = session.database
  let own: ProjectBackfillRequest | null = null
  let windowMicros: number
  try {
    if (!isCourse)
      own = await resolveOwnProject(project, values.metric, session, userDirectory(context.env))
    windowMicros = windowOf(values.window, own)
  } catch (error) {
    await session.close()
    throw error instanceof ProjectNotFoundError
      ? new CliError(
          `No project is named '${error.projectName}'. \`driftdesk project list\` shows the stored ones (check --home / --database-url point at the same database); \`driftdesk project add FILE\` stores one, or pass a project file's path to --project.`,
          1,
        )
      : toCliError(error)
  }
  const events = new RunEvents()
  const json = values.json === true
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'log' && event.level !== 'info') context.stderr.write(`${event.message}\n`)
  })
  try {
    const loadReference = async (): Promise<LiveReference> => {
      if (own !== null) return loadProjectLiveReference(own)
      const logged = await latestModelVersion(pool, project)
      const referenceMonth = month ?? logged?.slice(0, 7) ?? '2022-01'
      // A model `train` (or a backfill) saved is used as it is; the TLC file is fetched only to train one.
      const hasSavedModel = await stat(modelPaths(config, referenceMonth).model).then(
        () => true,
        () => false,
      )
      const file = hasSavedModel
        ? tripFileLocation(config, referenceMonth).path
        : await locateMonthFile(config, referenceMonth, context.signal, context.stderr)
      const trained = await ensureTrainedModel(config, referenceMonth, file)
      const version = `${referenceMonth}-${trained.fingerprint.slice(0, 12)}`
      if (logged !== null && logged !== version) {
        context.stderr.write(
          `Warning: the log's latest predictions come from model ${logged}, but the reference is model ${version}; the prediction drift compares two different models.\n`,
        )
      }
      return {
        context: createReferenceContext(trained.training.reference, trained.training.model),
        referenceMonth,
        modelFingerprint: trained.fingerprint,
      }
    }
    const service = new CollectorService({
      store: session.store,
      log: createPostgresLiveLogStore(pool),
      loadReference,
      hostname: hostname(),
      pid: process.pid,
    })
    const outcome = await service.run(
      {
        project: own?.project ?? project,
        windowMicros,
        latenessMicros,
        follow: values.follow === true,
        pollMs,
      },
      {
        events,
        signal: context.signal,
      },
    )
    for (const { metrics, provisional } of outcome.computed) {
      if (json) {
        const fields = own === null ? dayToJson(metrics) : windowToJson(metrics)
        context.stdout.write(
          `${JSON.stringify({ ...fields, ...(provisional ? { provisional: true } : {}) })}\n`,
        )
      } else {
        context.stdout.write(
          `${metrics.date}  rows ${metrics.rows}  ${metrics.error !== undefined && metrics.numDriftedColumns === null ? `failed: ${metrics.error}` : `prediction_drift ${metrics.predictionDrift ?? 'null'}  drifted_columns ${metrics.numDriftedColumns ?? 'null'}  share_missing ${metrics.shareMissingValues ?? 'null'}`}${provisional ? '  (provisional)' : ''}\n`,
        )
      }
    }
    context.stderr.write(
      `Run ${outcome.run.id} ${outcome.run.state}: ${outcome.run.stateMessage ?? ''}\n`,
    )
    return outcome.run.state === 'Completed' ? 0 : 1
  } catch (error) {
    throw toCliError(error)
  } finally {
    unsubscribe()
    await session.close()
  }
}

/**
 * Your project as `backfill --project` reads it (a stored project or a project file; `--metric` adds
 * extra metrics), with `serve --project`'s log as its current data.
 */
async function resolveOwnProject(
  project: string,
  metric: string[] | undefined,
  session: DatabaseSession,
  baseDir: string,
): Promise<ProjectBackfillRequest> {
  return buildProjectBackfillRequest(
    { project, ...(metric === undefined ? {} : { metric }) },
    HELP,
    () => Promise.resolve(session),
    baseDir,
  )
}

/** The window length: `--window`, else the project's window, else a day; a fixed duration only. */
function windowOf(flag: string | undefined, own: ProjectBackfillRequest | null): number {
  if (flag !== undefined) return parseDuration(flag, '--window')
  const fromProject = own?.window
  if (fromProject === undefined) return parseDuration('1d', '--window')
  try {
    const spec = parseWindowSpec(fromProject, own?.windowColumn ?? 'event_time')
    if (spec.kind === 'duration') return spec.lengthMicros
  } catch {
    // worded below
  }
  throw new CliError(
    `The project's window '${fromProject}' is not a fixed duration; the collector cuts windows such as 1h, 1d or 7d: give --window.`,
    2,
  )
}

/** A duration option (`1d`, `30m`, …) in microseconds, through the windows' own parser. */
function parseDuration(text: string, option: string): number {
  try {
    const spec = parseWindowSpec(text, 'event_time')
    if (spec.kind === 'duration') return spec.lengthMicros
  } catch {
    // worded below for the CLI
  }
  throw new CliError(`${option} must be a duration such as 30m, 1h or 1d (got '${text}').`, 2)
}
