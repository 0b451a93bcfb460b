import { loadConfig } from '../../config/app-config'
import { PredictionFeedbackWriter } from '../../adapters/postgres/prediction-feedback-writer'
import { PredictionLogWriter } from '../../adapters/postgres/prediction-log-writer'
import type { FeedbackOutcome } from '../../adapters/postgres/prediction-log-repository'
import { saveServiceHealthWindow } from '../../adapters/postgres/service-health-repository'
import { SourceReadError } from '../../adapters/sources/source-read-error'
import { COURSE_PROJECT } from '../../core/project/course-project'
import { ProjectFileError } from '../../services/projects/project-file'
import { resolveProject } from '../../services/projects/resolve-project'
import { buildPredictionServer } from '../../server/prediction/build-prediction-server'
import { PredictionService } from '../../services/serving/prediction-service'
import { loadServedModel } from '../../services/serving/served-model'
import type { ServedProject } from '../../services/serving/served-project'
import { courseServedProject, ownServedProject } from '../../services/serving/served-project'
import { ServiceHealthRecorder } from '../../services/serving/service-health-recorder'
import { loadOrCreateServeToken, serveTokenPath } from '../../services/serving/serve-token'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { userDirectory } from '../user-path'
import { openDatabaseSession, toCliError } from '../database-session'
import { parseCommandOptions } from '../parse-command-options'

export const summary =
  'Serve the trained taxi model over HTTP (POST /predict, /feedback; GET /health, /metrics), logging every prediction'

const HELP = `Usage: npm run driftdesk -- serve [--project nyc-taxi] [--port 9696] [--host 127.0.0.1] [--reference-month 2022-01] [--health-window 1m] [--log-level warn] [--database-url URL] [--home DIR]

An HTTP prediction service for a project: for nyc-taxi the model \`train\` saved; for your own project
(its model lives elsewhere) a logging service for the predictions your model made. Every row is written
to the prediction_log table before it is answered (see docs/live-service.md).
  POST /predict    one record (JSON object) or a batch (array) -> prediction (durationMin), a requestId
                   per row, the model version. A project without a model answers 409: use /log
  POST /log        rows that already carry their prediction (field 'prediction', or the project's
                   mapping.prediction), one or a batch; header X-Model-Version names your model
  POST /feedback   {"requestId": "...", "actual": 12.5} (taxi: or "durationMin"): the actual outcome;
                   a second one for the same id replaces the first (a corrected or late label)
  GET  /health     200 ok, or 503 degraded when PostgreSQL does not answer
  GET  /metrics    Prometheus text format
  --project P            nyc-taxi (default, the course), a stored project's name or a project file
  --health-window D      service health (requests, errors, latency p50/p95/p99) is written to the
                         service_health table per wall-clock window of D: 30s, 1m (default), 5m, 1h
  --port N               the port (default 9696, the course's; 0 picks a free one)
  --host H               the address to listen on (default 127.0.0.1). Any other address requires a
                         bearer token on every request; it is generated once and kept in
                         <home>/secrets/serve-token (owner-only), never printed
  --reference-month M    the trained model to serve (default: the only one saved in the home)
  --log-level L          fatal, error, warn (default), info or debug: JSON lines on stderr
  --database-url URL     where predictions are logged (or DATABASE_URL; default: the embedded PostgreSQL)
  --home DIR             driftdesk's state folder (or DRIFTDESK_HOME; default ~/.driftdesk)
Stops on Ctrl+C or SIGTERM: takes no new requests, answers those in flight, writes the log, exits 0.
`

/**
 * `--health-window`: a whole number of seconds, minutes or hours (30s, 1m, 1h); at least 1 s, at most a
 * day. @throws {CliError} exit 2 naming the value.
 */
function parseHealthWindow(text: string): number {
  const match = /^([1-9]\d*)(s|m|h)$/.exec(text)
  const ms =
    match === null
      ? NaN
      : Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h']
  if (!(ms >= 1_000 && ms <= 86_400_000)) {
    throw new CliError(
      `--health-window must be a whole number of seconds, minutes or hours from 1s to 24h, like 30s, 1m or 1h (got '${text}').`,
      2,
    )
  }
  return ms
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      project: { type: 'string' },
      'health-window': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'reference-month': { type: 'string' },
      'log-level': { type: 'string' },
      'database-url': { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  const portText = values.port ?? '9696'
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new CliError(`--port must be a whole number from 0 to 65535 (got '${portText}').`, 2)
  }
  const host = values.host ?? '127.0.0.1'
  const month = values['reference-month']
  if (month !== undefined && !MONTH_PATTERN.test(month)) {
    throw new CliError(`--reference-month must be YYYY-MM (got '${month}').`, 2)
  }
  const logLevel = values['log-level'] ?? 'warn'
  if (!LOG_LEVELS.has(logLevel)) {
    throw new CliError(
      `--log-level must be one of ${[...LOG_LEVELS].join(', ')} (got '${logLevel}').`,
      2,
    )
  }
  const healthWindowMs = parseHealthWindow(values['health-window'] ?? '1m')
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  const projectReference = values.project ?? COURSE_PROJECT
  let served: ServedProject | null = null
  if (projectReference === COURSE_PROJECT) {
    try {
      served = courseServedProject(await loadServedModel(config, month))
    } catch (error) {
      throw toCliError(error)
    }
  }
  const requiresToken = !LOOPBACK.has(host)
  const tokenPath = serveTokenPath(config.homeDir)
  const token = requiresToken ? await loadOrCreateServeToken(tokenPath) : null

  // Two log statements and two feedback statements may be in flight at once (group commit), plus the
  // health writes and /health's check: six connections, so none of them queues behind another.
  const session = await openDatabaseSession(context, config, 'driftdesk serve', {
    maxConnections: 6,
  })
  const { pool } = session.database
  if (served === null) {
    try {
      const resolved = await resolveProject(
        projectReference,
        async () => pool,
        userDirectory(context.env),
      )
      if (resolved.kind === 'own') served = await ownServedProject(resolved)
      else served = courseServedProject(await loadServedModel(config, month))
    } catch (error) {
      await session.close()
      if (error instanceof ProjectFileError || error instanceof SourceReadError)
        throw new CliError(`--project ${projectReference}: ${error.message}`, 2)
      throw toCliError(error)
    }
  }
  const project = served
  const writer = new PredictionLogWriter(pool)
  const feedbackWriter = new PredictionFeedbackWriter(pool)
  const service = new PredictionService({
    project,
    log: writer,
    // Feedback is group-committed like the log: concurrent posts share a statement and a commit.
    storeFeedback: async (requestId, actual) =>
      (await feedbackWriter.store([{ requestId, actual }]))[0] as FeedbackOutcome,
    storeFeedbackBatch: (items) => feedbackWriter.store(items),
  })
  const health = new ServiceHealthRecorder({
    project: project.name,
    windowMs: healthWindowMs,
    write: (window) => saveServiceHealthWindow(pool, window),
    onWriteError: (error) =>
      context.stderr.write(
        `Service health could not be written (${(error as Error).message}); it is kept and written when PostgreSQL answers again.\n`,
      ),
  })
  const app = buildPredictionServer({
    service,
    health,
    checkDatabase: async () => {
      await pool.query('SELECT 1')
    },
    pendingLogRows: () => writer.pendingRows,
    token,
    logger: { level: logLevel, stream: process.stderr },
  })
  let address: string
  try {
    address = await app.listen({ port, host })
  } catch (error) {
    await app.close()
    await session.close()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') {
      throw new CliError(`Port ${port} on ${host} is in use; choose another with --port N.`, 1)
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new CliError(
        `This machine has no address ${host}; pass --host with one of its addresses.`,
        2,
      )
    }
    throw error
  }
  health.start()
  context.stderr.write(
    project.model === null
      ? `Project ${project.name} has no model in driftdesk: POST rows with their prediction to /log; they are logged to PostgreSQL before they are answered.\n`
      : `Serving project ${project.name}, model ${project.model.version} (trained on ${project.model.referenceMonth}); predictions are logged to PostgreSQL before they are answered.\n`,
  )
  if (token !== null) {
    context.stderr.write(
      `Listening on ${host}, beyond loopback: every request needs the header Authorization: Bearer <token>, with the token in ${tokenPath} (readable by you only).\n`,
    )
  }
  context.stdout.write(`Listening on ${address}\n`)

  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve()
    else context.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  context.stderr.write('Stopping: answering the requests in flight and writing the log…\n')
  try {
    // Stops accepting connections and waits for in-flight requests (each waits for its log commit).
    await app.close()
    await Promise.all([writer.close(), feedbackWriter.close()])
    await health.close()
  } finally {
    await session.close()
  }
  context.stderr.write('Stopped.\n')
  return 0
}
