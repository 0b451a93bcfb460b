import { hostname } from 'node:os'
import process from 'node:process'
import { loadConfig } from '../../config/app-config'
import { modelPaths } from '../../services/model/model-service'
import { runTrainJob } from '../../services/pipeline/train-job'
import type { CliContext } from '../cli-context'
import { parseCommandOptions } from '../parse-command-options'
import { CliError } from '../cli-context'
import { openDatabaseSession, toCliError } from '../database-session'
import { MONTH_PATTERN } from '../../shared/request-guards'
import { locateMonthFile } from './backfill'

export const summary =
  'Train the course model on a reference month and save it with its reference data'

const HELP = `Usage: npm run driftdesk -- train --reference-month 2022-01 [--force] [--json] [--data-dir DIR] [--database-url URL] [--home DIR]

Runs the course notebook: duration_min in [0, 60], passengers in (0, 8], first 30,000 rows train a linear
regression on 6 features, the rest is the reference. Prints row counts, coefficients and MAE; saves the
model (JSON) and the reference frame (Arrow IPC) under the home's models/ folder; records a run.
  --force              train again even when a saved model for the same file exists
  --json               print the summary as one JSON object on stdout
  --data-dir DIR       read the TLC file from DIR (or DRIFTDESK_DATA_DIR; default: the download cache)
  --database-url URL   where the run is recorded (or DATABASE_URL; default: the embedded PostgreSQL)
  --home DIR           driftdesk's state folder (or DRIFTDESK_HOME; default ~/.driftdesk)
`

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      'reference-month': { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  const month = values['reference-month']
  if (month === undefined || !MONTH_PATTERN.test(month)) {
    throw new CliError(
      `--reference-month YYYY-MM is required (got '${month ?? ''}').\n\n${HELP}`,
      2,
    )
  }
  const config = loadConfig(context.env, {
    homeDir: values.home,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
  })
  const session = await openDatabaseSession(context, config, 'driftdesk train')
  try {
    const outcome = await runTrainJob(
      {
        config,
        store: session.store,
        locateMonthFile: (m) => locateMonthFile(config, m, context.signal, context.stderr),
        hostname: hostname(),
        pid: process.pid,
      },
      month,
      { force: values.force === true },
    )
    const { summary: model, run } = outcome
    if (run.state !== 'Completed' || model === null)
      throw new CliError(run.stateMessage ?? 'Training failed.', 1)
    if (values.json === true) {
      context.stdout.write(
        `${JSON.stringify({ runId: run.id, trainedNow: outcome.trainedNow, ...model })}\n`,
      )
      return 0
    }
    const out = context.stdout
    out.write(
      `${outcome.trainedNow ? 'Trained' : 'Loaded the saved'} model on ${month} (run ${run.id})\n`,
    )
    out.write(
      `  rows: raw ${model.rawRows}, 0<=duration<=60 ${model.rowsAfterDurationFilter}, 0<passengers<=8 ${model.filteredRows}\n`,
    )
    out.write(`  train ${model.trainRows} rows, reference ${model.referenceRows} rows\n`)
    out.write(`  intercept ${model.intercept}\n`)
    for (const feature of model.featureOrder)
      out.write(`  coefficient ${feature.padEnd(14)} ${model.coefficients[feature]}\n`)
    out.write(`  MAE train ${model.maeTrain}  validation ${model.maeValidation}\n`)
    out.write(`  RMSE train ${model.rmseTrain}  validation ${model.rmseValidation}\n`)
    out.write(`  saved in ${modelPaths(config, month).dir}\n`)
    return 0
  } catch (error) {
    throw toCliError(error)
  } finally {
    await session.close()
  }
}
