import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { listColumnMetrics } from '../adapters/postgres/column-metrics-repository'
import type { StoredColumnMetric } from '../adapters/postgres/column-metrics-repository'
import { daysInMonth, isoDate, parseIsoDate } from '../core/pipeline/daily-windows'
import type { WindowMetricSpec } from '../core/quality/window-column-metric'
import { formatWindowMetric, storedColumnName } from '../core/quality/window-column-metric'
import { ProjectFileError, readProjectFile } from '../services/projects/project-file'
import { MONTH_PATTERN } from '../shared/request-guards'
import type { CliContext } from './cli-context'
import { CliError } from './cli-context'
import type { DatabaseSession } from './database-session'
import { parseMetricFlags, windowToJson } from './project-backfill'
import { userDirectory } from './user-path'

export interface ProjectMetricsValues {
  project?: string
  month?: string
  from?: string
  to?: string
  metric?: string[]
  json?: boolean
  columns?: boolean
}

export const PROJECT_METRICS_HELP = `
Any project (your own data, or nyc-taxi):
  --project NAME|FILE   the project whose stored windows to print (source 'batch')
  --from YYYY-MM-DD[THH:MM:SS] --to ...   windows starting in [from, to) (default: all; or --month)
  --metric SPEC         also print an extra metric per window and its max/min over the windows, repeatable:
                        quantile:COL:Q, value_range:COL, mean:COL, missing_share:COL, missing_count:COL,
                        correlation:COL_A:COL_B[:pearson|spearman|kendall]
                        (stored by \`backfill ... --metric SPEC\` or the project's metrics:)
  e.g. the 2024 homework's maximum daily median fare of March 2024:
       backfill --month 2024-03 --metric quantile:fare_amount:0.5
       metrics --project nyc-taxi --month 2024-03 --metric quantile:fare_amount:0.5
`

/** The project's name: a project file's `name`, else the argument itself (a stored or ad hoc project). */
async function projectName(reference: string, baseDir: string): Promise<string> {
  const path = resolve(baseDir, reference)
  const isFile = await stat(path).then(
    (info) => info.isFile(),
    () => false,
  )
  if (!isFile) return reference
  try {
    return (await readProjectFile(path)).name
  } catch (error) {
    if (error instanceof ProjectFileError) throw new CliError(error.message, 2)
    throw error
  }
}

/** `[from, to)` from --month or --from/--to (each a date or an ISO start), or everything. */
function rangeOf(values: ProjectMetricsValues): { from: string; to: string } {
  const stamp = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/
  if (values.month !== undefined) {
    if (!MONTH_PATTERN.test(values.month))
      throw new CliError(`--month must be YYYY-MM (got '${values.month}').`, 2)
    const from = `${values.month}-01`
    return { from, to: isoDate(parseIsoDate(from) + daysInMonth(values.month) * 86_400_000) }
  }
  for (const flag of ['from', 'to'] as const) {
    const value = values[flag]
    if (value !== undefined && !stamp.test(value))
      throw new CliError(`--${flag} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (got '${value}').`, 2)
  }
  return { from: values.from ?? '0001-01-01', to: values.to ?? '9999-12-31' }
}

/**
 * `metrics --project NAME|FILE`: the project's stored windows, one line each (JSON with --json: the fields of
 * `backfill --json`, plus `metrics` with each asked extra metric), and for each `--metric` its max and min
 * over the windows (stdout in text mode, stderr with --json so stdout stays one object per window).
 */
export async function runProjectMetrics(
  context: CliContext,
  session: DatabaseSession,
  values: ProjectMetricsValues,
): Promise<number> {
  const project = await projectName(values.project as string, userDirectory(context.env))
  const { from, to } = rangeOf(values)
  const specs = parseMetricFlags(values.metric)
  const windows = await session.store.listStoredDays(from, to, project, 'batch')
  const extras = await Promise.all(
    specs.map(async (spec) => ({
      spec,
      rows: await listColumnMetrics(session.database.pool, {
        project,
        from,
        to,
        column: storedColumnName(spec),
        ...(spec.metric === 'quantile'
          ? { metric: 'quantile' as const, parameter: spec.quantile }
          : spec.metric === 'value_range'
            ? {}
            : spec.metric === 'correlation'
              ? { metric: `${spec.method}_correlation` as const }
              : { metric: spec.metric }),
      }),
    })),
  )
  // Keys: the window, then the label of each stored value (value_range gives min and max).
  const byWindow = new Map<string, Record<string, number | null>>()
  const labelOf = (spec: WindowMetricSpec, row: StoredColumnMetric): string =>
    spec.metric === 'value_range' ? `${row.metric}:${spec.column}` : formatWindowMetric(spec)
  for (const { spec, rows } of extras)
    for (const row of rows) {
      if (spec.metric === 'value_range' && row.metric !== 'min' && row.metric !== 'max') continue
      const entry = byWindow.get(row.window) ?? {}
      entry[labelOf(spec, row)] = row.value
      byWindow.set(row.window, entry)
    }
  const keys = [...new Set([...windows.map((w) => w.metrics.date), ...byWindow.keys()])].sort()
  if (keys.length === 0) {
    context.stderr.write(
      `No windows stored for project '${project}' in [${from}, ${to}); run \`npm run driftdesk -- backfill --project ${project}\`${specs.length > 0 ? ' with the same --metric' : ''}.\n`,
    )
    return values.json === true ? 0 : 0
  }
  const stored = new Map(windows.map((w) => [w.metrics.date, w]))
  for (const key of keys) {
    const window = stored.get(key)
    const extra = byWindow.get(key) ?? {}
    if (values.json === true) {
      context.stdout.write(
        `${JSON.stringify({
          ...(window === undefined ? { date: key } : windowToJson(window.metrics)),
          ...(specs.length > 0 ? { metrics: extra } : {}),
        })}\n`,
      )
      continue
    }
    const m = window?.metrics
    const parts = [
      key,
      ...(m === undefined
        ? []
        : [
            `rows ${m.rows}`,
            `prediction_drift ${m.predictionDrift ?? 'null'}`,
            `drifted_columns ${m.numDriftedColumns ?? 'null'}`,
            `share_missing ${m.shareMissingValues ?? 'null'}`,
          ]),
      ...Object.entries(extra).map(([label, value]) => `${label} ${value ?? 'null'}`),
      ...(m?.error === undefined ? [] : [`(${m.error})`]),
    ]
    context.stdout.write(`${parts.join('  ')}\n`)
    if (values.columns === true && m !== undefined)
      for (const column of m.columns)
        context.stdout.write(
          `    ${column.column.padEnd(22)} ${column.stattest.padEnd(14)} score ${column.driftScore ?? 'null'}  threshold ${column.threshold}  ${column.driftDetected === true ? 'DRIFT' : 'ok'}\n`,
        )
  }
  const labels = [...new Set([...byWindow.values()].flatMap((entry) => Object.keys(entry)))]
  for (const label of labels) {
    let max: { key: string; value: number } | null = null
    let min: { key: string; value: number } | null = null
    for (const [key, entry] of byWindow) {
      const value = entry[label]
      if (value === null || value === undefined) continue
      if (max === null || value > max.value) max = { key, value }
      if (min === null || value < min.value) min = { key, value }
    }
    if (max === null || min === null) continue
    const line = `${label}: max ${max.value} (${max.key}), min ${min.value} (${min.key}) over ${byWindow.size} window(s)\n`
    if (values.json === true) context.stderr.write(line)
    else context.stdout.write(line)
  }
  return 0
}
