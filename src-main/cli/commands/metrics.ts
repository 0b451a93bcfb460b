import { loadConfig } from '../../config/app-config'
import { daysInMonth, isoDate, parseIsoDate } from '../../core/pipeline/daily-windows'
import type { CliContext } from '../cli-context'
import { parseCommandOptions } from '../parse-command-options'
import { CliError } from '../cli-context'
import { openDatabaseSession, toCliError } from '../database-session'
import { MONTH_PATTERN } from '../../shared/request-guards'
import { listStoredLiveWindows } from '../../adapters/postgres/live-log-repository'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { DayMetrics } from '../../shared/domain/metrics'
import { dayToJson } from './backfill'
import { PROJECT_METRICS_HELP, runProjectMetrics } from '../project-metrics'

export const summary =
  "Print the metrics stored for a month or a project's windows (what Grafana reads)"

const HELP = `Usage: npm run driftdesk -- metrics --month 2022-02 [--project nyc-taxi] [--source batch|live] [--json] [--columns] [--database-url URL] [--home DIR]

Prints what is stored in daily_metrics for each day of the month, in date order.
  --project NAME  whose metrics (default: the course's, nyc-taxi)
  --source S      batch (default: what backfill stored) or live (what collect stored, one line per closed
                  window; provisional ones, computed when the log ran out, are left out until they close)
  --json      one JSON object per day on stdout, the same fields as \`backfill --json\`
  --columns   text mode: also each column's stattest, score and verdict (from column_drift)
Days the backfill estimated also show the realized MAE and the MAE estimated without labels with its
95 % band (docs/performance-estimation.md).
${PROJECT_METRICS_HELP}`

/** `  mae 9.87  estimated_mae 9.12 [6.01, 12.23]` when the day was estimated (issue 13), else nothing. */
function estimatedMaeText(metrics: DayMetrics): string {
  if (metrics.estimatedMae === undefined || metrics.estimatedMae === null) return ''
  const band = `[${metrics.estimatedMaeLower?.toFixed(2) ?? '?'}, ${metrics.estimatedMaeUpper?.toFixed(2) ?? '?'}]`
  return `  mae ${metrics.mae?.toFixed(2) ?? 'null'}  estimated_mae ${metrics.estimatedMae.toFixed(2)} ${band}`
}

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      month: { type: 'string' },
      project: { type: 'string' },
      source: { type: 'string' },
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
  // Own projects, and the course with extra metrics or a --from/--to range, go through the project
  // listing; the course's month (batch or live, --columns) keeps its own path below.
  const courseMonth =
    (values.project === undefined || values.project === COURSE_PROJECT) &&
    values.metric === undefined &&
    values.from === undefined &&
    values.to === undefined
  if (values.project !== undefined && !courseMonth && values.source !== 'live') {
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
  const source = values.source ?? 'batch'
  if (source !== 'batch' && source !== 'live') {
    throw new CliError(`--source must be batch or live (got '${source}').\n\n${HELP}`, 2)
  }
  const project = values.project ?? COURSE_PROJECT
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  const session = await openDatabaseSession(context, config, 'driftdesk metrics')
  try {
    const from = `${month}-01`
    const to = isoDate(parseIsoDate(from) + daysInMonth(month) * 86_400_000)
    const stored = await session.store.listStoredDays(from, to, project, source)
    // Live: closed windows only. A provisional one (the log ran out before it closed) may still change.
    const provisional =
      source === 'live'
        ? new Set(
            (await listStoredLiveWindows(session.database.pool, project))
              .filter((w) => w.provisional)
              .map((w) => liveWindowKey(w.startMicros)),
          )
        : new Set<string>()
    const days = stored.filter((day) => !provisional.has(day.metrics.date))
    const hidden = stored.length - days.length
    if (hidden > 0) {
      context.stderr.write(
        `${hidden} provisional window(s) not shown: the log ran out before they closed; \`collect\` computes them when they close.\n`,
      )
    }
    if (days.length === 0 && values.json !== true) {
      context.stderr.write(
        source === 'live'
          ? `No live metrics stored for ${project} in ${month}; run \`npm run driftdesk -- collect --project ${project}\`.\n`
          : `No metrics stored for ${month}; run \`npm run driftdesk -- backfill --month ${month}\`.\n`,
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
          estimatedMaeText(metrics) +
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

/** A live window's key as stored: its date when it starts at midnight, else its ISO start (hours). */
function liveWindowKey(startMicros: number): string {
  const start = new Date(startMicros / 1000).toISOString().slice(0, 19)
  return start.endsWith('T00:00:00') ? start.slice(0, 10) : start
}
