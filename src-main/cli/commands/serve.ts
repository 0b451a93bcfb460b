import { loadConfig } from '../../config/app-config'
import { PredictionLogWriter } from '../../adapters/postgres/prediction-log-writer'
import { storePredictionFeedback } from '../../adapters/postgres/prediction-log-repository'
import { buildPredictionServer } from '../../server/prediction/build-prediction-server'
import { PredictionService } from '../../services/serving/prediction-service'
import { loadServedModel } from '../../services/serving/served-model'
import { loadOrCreateServeToken, serveTokenPath } from '../../services/serving/serve-token'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { openDatabaseSession, toCliError } from '../database-session'
import { parseCommandOptions } from '../parse-command-options'

export const summary =
  'Serve the trained taxi model over HTTP (POST /predict, /feedback; GET /health, /metrics), logging every prediction'

const HELP = `Usage: npm run driftdesk -- serve [--port 9696] [--host 127.0.0.1] [--reference-month 2022-01] [--log-level warn] [--database-url URL] [--home DIR]

An HTTP prediction service for the model \`train\` saved. Every prediction is written to the
prediction_log table before it is answered (see the README, "Prediction service").
  POST /predict    one TLC green-trip record (JSON object) or a batch (array) -> duration in minutes,
                   a requestId per ride, the model version
  POST /feedback   {"requestId": "...", "durationMin": 12.5}: the trip's actual duration
  GET  /health     200 ok, or 503 degraded when PostgreSQL does not answer
  GET  /metrics    Prometheus text format
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

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
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
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  let served
  try {
    served = await loadServedModel(config, month)
  } catch (error) {
    throw toCliError(error)
  }
  const requiresToken = !LOOPBACK.has(host)
  const tokenPath = serveTokenPath(config.homeDir)
  const token = requiresToken ? await loadOrCreateServeToken(tokenPath) : null

  const session = await openDatabaseSession(context, config, 'driftdesk serve')
  const { pool } = session.database
  const writer = new PredictionLogWriter(pool)
  const service = new PredictionService({
    model: served,
    log: writer,
    storeFeedback: (requestId, durationMin) =>
      storePredictionFeedback(pool, requestId, durationMin),
  })
  const app = buildPredictionServer({
    service,
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
  context.stderr.write(
    `Serving model ${served.version} (trained on ${served.referenceMonth}); predictions are logged to PostgreSQL before they are answered.\n`,
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
    await writer.close()
  } finally {
    await session.close()
  }
  context.stderr.write('Stopped.\n')
  return 0
}
