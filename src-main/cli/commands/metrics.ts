import { loadConfig } from '../../config/app-config'
import { daysInMonth, isoDate, parseIsoDate } from '../../core/pipeline/daily-windows'
import type { CliContext } from '../cli-context'
import { parseCommandOptions } from '../parse-command-options'
import { CliError } from '../cli-context'
import { openDatabaseSession, toCliError } from '../database-session'
import { MONTH_PATTERN } from '../../shared/request-guards'
import { dayToJson } from './backfill'
import { PROJECT_METRICS_HELP, runProjectMetrics } from '../project-metrics'

export const summary =
  "Print the metrics stored for a month or a project's windows (what Grafana reads)"

const HELP = `Usage: npm run driftdesk -- metrics --month 2022-02 [--json] [--columns] [--database-url URL] [--home DIR]

Prints what is stored in daily_metrics for each day of the month, in date order.
  --json      one JSON object per day on stdout, the same fields as \`backfill --json\`
  --columns   text mode: also each column's stattest, score and verdict (from column_drift)
${PROJECT_METRICS_HELP}`

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      month: { type: 'string' },
      project: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      metric: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      columns: { type: 'boolean' },
      'database-url': { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  if (values.project !== undefined) {
    const session = await openDatabaseSession(
      context,
      loadConfig(context.env, { homeDir: values.home, databaseUrl: values['database-url'] }),
      'driftdesk metrics',
    )
    try {
      return await runProjectMetrics(context, session, values)
    } catch (error) {
      throw toCliError(error)
    } finally {
      await session.close()
    }
  }
  const month = values.month
  if (month === undefined || !MONTH_PATTERN.test(month)) {
    throw new CliError(`--month YYYY-MM is required (got '${month ?? ''}').\n\n${HELP}`, 2)
  }
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  const session = await openDatabaseSession(context, config, 'driftdesk metrics')
  try {
    const from = `${month}-01`
    const to = isoDate(parseIsoDate(from) + daysInMonth(month) * 86_400_000)
    const days = await session.store.listStoredDays(from, to)
    if (days.length === 0 && values.json !== true) {
      context.stderr.write(
        `No metrics stored for ${month}; run \`npm run driftdesk -- backfill --month ${month}\`.\n`,
      )
    }
    for (const { metrics, runId } of days) {
      if (values.json === true) {
        context.stdout.write(`${JSON.stringify(dayToJson(metrics))}\n`)
        continue
      }
      context.stdout.write(
        `${metrics.date}  rows ${metrics.rows}  prediction_drift ${metrics.predictionDrift ?? 'null'}  ` +
          `drifted_columns ${metrics.numDriftedColumns ?? 'null'}  share_missing ${metrics.shareMissingValues ?? 'null'}` +
          `${metrics.error === undefined ? '' : `  (${metrics.error})`}  run ${runId ?? '-'}\n`,
      )
      if (values.columns === true) {
        for (const column of metrics.columns) {
          context.stdout.write(
            `    ${column.column.padEnd(22)} ${column.stattest.padEnd(14)} score ${column.driftScore ?? 'null'}  threshold ${column.threshold}  ${column.driftDetected === true ? 'DRIFT' : 'ok'}\n`,
          )
        }
      }
    }
    return 0
  } catch (error) {
    throw toCliError(error)
  } finally {
    await session.close()
  }
}
