import { loadConfig } from '../../config/app-config'
import { NumpyLegacyRandomState } from '../../core/random/numpy-legacy-random-state'
import type { DataDriftOptions } from '../../core/reports/data-drift-table'
import { toEvidentlyJson } from '../../core/reports/evidently-json'
import { renderReportHtml } from '../../services/reports/render-report-html'
import { ReportRequestError, ReportService } from '../../services/reports/report-service'
import type { ReportPresetName } from '../../shared/domain/reports'
import { reportPresetNames } from '../../shared/domain/reports'
import type { CliContext } from '../cli-context'
import { OutputFile } from '../output-file'
import { parseCommandOptions } from '../parse-command-options'
import { CliError } from '../cli-context'
import {
  isOwnDataRequest,
  OWN_DATA_HELP,
  ownDataOptions,
  resolveProjectFlag,
  runOwnDataReport,
} from '../own-data'

export const summary =
  "One day's Evidently-style report (data-drift, data-quality, regression) as text, JSON or HTML"

const HELP = `Usage: npm run driftdesk -- report --date 2022-02-02 --preset data-drift|data-quality|regression|course
         [--json | --html FILE] [--reference-month 2022-01] [--data-dir DIR] [--home DIR] [--database-url URL]

Compares one day of trips (pickup in [date, date + 1 day), prediction from the reference month's model) with
the reference month, the way the course debugs a bad day with Evidently's Report.
  --date YYYY-MM-DD            the day (required)
  --preset NAME                data-drift (DatasetDriftMetric + DataDriftTable), data-quality (DatasetSummary,
                               ColumnSummary per column, DatasetMissingValues) or regression
                               (RegressionQualityMetric vs duration_min) or course (the course's report:
                               ColumnDriftMetric(prediction), DatasetDriftMetric, DatasetMissingValuesMetric);
                               default data-drift
  --json                       print Report.as_dict() as one JSON line on stdout
  --html FILE                  write one self-contained HTML page (charts inlined; opens offline); the
                               folder must exist; the absolute path written is printed
  --reference-month YYYY-MM    the model's training month (default: the month before --date)
  --stattest NAME              stattest for every column (ks, chisquare, z, wasserstein, jensenshannon, psi, …)
  --num-stattest NAME / --cat-stattest NAME         per column type
  --per-column-stattest COL=NAME                    per column (repeatable)
  --threshold X / --num-threshold X / --cat-threshold X / --per-column-threshold COL=X
  --drift-share X              share of drifted columns at which the dataset drifts (default 0.5)
  --null-share-drift           also test each drift column's share of nulls (z-test, 0.05)
  --quantile COL:Q             add ColumnQuantileMetric (repeatable), e.g. fare_amount:0.5
  --segment-by COL             regression: error metrics per value of COL (a timestamp → hour of day)
  --seed N                     seed of the permutation tests (empirical_mmd, TVD); default: numpy's seed 0,
                               as Evidently
  --data-dir DIR / --home DIR / --database-url URL  as for backfill (or DRIFTDESK_DATA_DIR, DRIFTDESK_HOME,
                               DATABASE_URL)
${OWN_DATA_HELP}`

/** Options shared by `report` and `test-suite`. */
export const sharedOptions = {
  date: { type: 'string' },
  preset: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  'reference-month': { type: 'string' },
  'data-dir': { type: 'string' },
  home: { type: 'string' },
  'database-url': { type: 'string' },
  stattest: { type: 'string' },
  'num-stattest': { type: 'string' },
  'cat-stattest': { type: 'string' },
  'per-column-stattest': { type: 'string', multiple: true },
  threshold: { type: 'string' },
  'num-threshold': { type: 'string' },
  'cat-threshold': { type: 'string' },
  'per-column-threshold': { type: 'string', multiple: true },
  'drift-share': { type: 'string' },
  'null-share-drift': { type: 'boolean' },
  seed: { type: 'string' },
  help: { type: 'boolean' },
} as const

type SharedValues = {
  [K in keyof typeof sharedOptions]?: (typeof sharedOptions)[K] extends { multiple: true }
    ? string[]
    : (typeof sharedOptions)[K]['type'] extends 'boolean'
      ? boolean
      : string
}

/** `driftdesk report`: parses, asks the report service, prints or writes the HTML. */
export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      ...sharedOptions,
      quantile: { type: 'string', multiple: true },
      'segment-by': { type: 'string', multiple: true },
      ...ownDataOptions,
    },
    strict: true,
  })
  if (parsed === null) return 0
  const values = parsed.values
  const preset = (values.preset ?? 'data-drift') as ReportPresetName
  if (!reportPresetNames.includes(preset)) {
    throw new CliError(
      `--preset must be one of ${reportPresetNames.join(', ')}; got '${values.preset}'.`,
      2,
    )
  }
  const quantiles = (values.quantile ?? []).map((text) => {
    const match = /^(.+):([0-9.]+)$/.exec(text)
    const q = Number(match?.[2])
    if (match === null || !(q >= 0 && q <= 1)) {
      throw new CliError(
        `--quantile takes COLUMN:Q with Q in [0, 1], e.g. fare_amount:0.5; got '${text}'.`,
        2,
      )
    }
    return { column: match[1] as string, quantile: q }
  })
  const html = values.html === undefined ? undefined : new OutputFile(values.html, '--html')
  await html?.checkWritable()
  // --project nyc-taxi is the course: the same as no --project.
  const project = await resolveProjectFlag(context, values, 'report')
  if (project?.kind !== 'course' && isOwnDataRequest(values))
    return runOwnDataReport(
      context,
      values,
      HELP,
      preset,
      {
        drift: driftOptionsFrom(values),
        quantiles,
        segmentBy: values['segment-by'] ?? [],
      },
      project,
    )
  const date = requireDate(values.date, HELP)
  const config = loadConfig(context.env, {
    homeDir: values.home,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
  })
  const service = new ReportService(config)
  context.stderr.write(`driftdesk report: ${preset} for ${date}…\n`)
  const document = await withClearErrors(() =>
    service.report(preset, date, {
      drift: driftOptionsFrom(values),
      quantiles,
      segmentBy: values['segment-by'] ?? [],
      ...(values['reference-month'] === undefined
        ? {}
        : { referenceMonth: values['reference-month'] }),
    }),
  )
  if (html !== undefined) {
    context.stderr.write(
      `Wrote ${await html.write(await renderReportHtml({ report: document }))}\n`,
    )
  }
  if (values.json === true) {
    context.stdout.write(`${toEvidentlyJson(document)}\n`)
  } else if (values.html === undefined) {
    context.stdout.write(describeReport(document.metrics))
  }
  return 0
}

/** A short text view of a report for the terminal. */
function describeReport(
  metrics: readonly { metric: string; result: Readonly<Record<string, unknown>> }[],
): string {
  const lines: string[] = []
  for (const { metric, result } of metrics) {
    if (metric === 'DatasetDriftMetric') {
      lines.push(
        `Dataset drift: ${String(result.dataset_drift)} (${String(result.number_of_drifted_columns)} of ${String(result.number_of_columns)} columns drifted, share ${Number(result.share_of_drifted_columns).toFixed(3)}, drift_share ${String(result.drift_share)})`,
      )
    } else if (metric === 'DataDriftTable') {
      const columns = result.drift_by_columns as Record<string, Record<string, unknown>>
      for (const entry of Object.values(columns)) {
        const score =
          entry.drift_score === null ? 'error' : Number(entry.drift_score).toPrecision(6)
        const flag =
          entry.error !== undefined
            ? `ERROR: ${String(entry.error)}`
            : entry.drift_detected === true
              ? 'DRIFT'
              : 'ok'
        lines.push(
          `  ${String(entry.column_name).padEnd(18)} ${String(entry.stattest_name).padEnd(32)} ${score.padStart(12)}  ${flag}`,
        )
      }
    } else if (metric === 'ColumnDriftMetric') {
      lines.push(
        `Drift of ${String(result.column_name)}: ${String(result.stattest_name)} = ${fmt(result.drift_score as number)} (detected: ${String(result.drift_detected)})`,
      )
    } else if (metric === 'RegressionQualityMetric') {
      const current = result.current as Record<string, number>
      const reference = result.reference as Record<string, number> | null
      for (const key of [
        'mean_error',
        'mean_abs_error',
        'rmse',
        'mean_abs_perc_error',
        'r2_score',
      ]) {
        lines.push(
          `  ${key.padEnd(22)} current ${fmt(current[key])}  reference ${fmt(reference?.[key])}`,
        )
      }
    } else if (metric === 'ColumnSummaryMetric') {
      const c = result.current_characteristics as Record<string, unknown> | null
      lines.push(
        `  ${String(result.column_name).padEnd(24)} ${String(result.column_type).padEnd(9)} missing ${String(c?.missing ?? '-')}  unique ${String(c?.unique ?? '-')}  mean ${String(c?.mean ?? '-')}`,
      )
    } else if (metric === 'DatasetMissingValuesMetric') {
      const current = result.current as Record<string, number>
      lines.push(
        `Missing values: share ${fmt(current.share_of_missing_values)} (${current.number_of_missing_values} cells)`,
      )
    } else if (metric === 'DatasetSummaryMetric') {
      const current = result.current as Record<string, number>
      lines.push(`Dataset: ${current.number_of_rows} rows × ${current.number_of_columns} columns`)
    } else if (metric === 'ColumnQuantileMetric') {
      const current = result.current as { value: number | null }
      lines.push(
        `Quantile ${String(result.quantile)} of ${String(result.column_name)}: ${fmt(current.value ?? undefined)}`,
      )
    } else if (metric === 'RegressionPerformanceBySegment') {
      lines.push(`MAE by ${String(result.segment_column)}:`)
      for (const s of result.segments as {
        segment: unknown
        rows: number
        mean_abs_error: number
      }[]) {
        lines.push(
          `  ${String(s.segment).padEnd(10)} ${String(s.rows).padStart(6)} rows  MAE ${fmt(s.mean_abs_error)}`,
        )
      }
    }
  }
  return `${lines.join('\n')}\n`
}

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : Number.isFinite(value) ? value.toPrecision(6) : String(value)
}

/** A required `--date`, or a usage error. */
export function requireDate(date: string | undefined, help: string): string {
  if (date === undefined)
    throw new CliError(`--date is required, e.g. --date 2022-02-02.\n\n${help}`, 2)
  return date
}

/** The drift options (stattest overrides, thresholds, drift share, seed) from parsed flags. */
export function driftOptionsFrom(values: SharedValues): DataDriftOptions {
  const number = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined
    const value = Number(text)
    if (text.trim() === '' || !Number.isFinite(value))
      throw new CliError(`--${flag} must be a number; got '${text}'.`, 2)
    return value
  }
  const pairs = (flag: string, list: string[] | undefined): Record<string, string> | undefined => {
    if (list === undefined || list.length === 0) return undefined
    const entries = new Map<string, string>()
    for (const item of list) {
      const at = item.indexOf('=')
      if (at <= 0) throw new CliError(`--${flag} takes COLUMN=VALUE; got '${item}'.`, 2)
      entries.set(item.slice(0, at), item.slice(at + 1))
    }
    // fromEntries defines own properties: a column named __proto__ is a key, not the prototype.
    return Object.fromEntries(entries)
  }
  const perColumnThresholdText = pairs('per-column-threshold', values['per-column-threshold'])
  const perColumnThreshold =
    perColumnThresholdText === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(perColumnThresholdText).map(([k, v]) => [
            k,
            number('per-column-threshold', v) as number,
          ]),
        )
  const driftShare = number('drift-share', values['drift-share'])
  if (driftShare !== undefined && !(driftShare >= 0 && driftShare <= 1)) {
    throw new CliError(`--drift-share must be between 0 and 1; got ${driftShare}.`, 2)
  }
  const seed = number('seed', values.seed)
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new CliError(`--seed must be an integer between 0 and 2^32 − 1; got ${seed}.`, 2)
  }
  const options: Record<string, unknown> = {
    stattest: values.stattest,
    numStattest: values['num-stattest'],
    catStattest: values['cat-stattest'],
    perColumnStattest: pairs('per-column-stattest', values['per-column-stattest']),
    stattestThreshold: number('threshold', values.threshold),
    numStattestThreshold: number('num-threshold', values['num-threshold']),
    catStattestThreshold: number('cat-threshold', values['cat-threshold']),
    perColumnStattestThreshold: perColumnThreshold,
    driftShare,
    nullShareDrift: values['null-share-drift'],
    // Without --seed the permutation tests draw numpy's seed-0 stream, exactly as Evidently does.
    random: seed === undefined ? undefined : seededUniform(seed),
  }
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key]
  return options as DataDriftOptions
}

/** numpy's `RandomState(seed).random_sample` stream, for `--seed`. */
function seededUniform(seed: number): () => number {
  const state = new NumpyLegacyRandomState(seed)
  return () => state.randomSample()
}

/** Runs a service call, turning request and data errors into one-sentence CLI errors. */
export async function withClearErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof ReportRequestError || error instanceof RangeError)
      throw new CliError(error.message, 1)
    if (error instanceof Error && error.name === 'ParquetReadError')
      throw new CliError(error.message, 1)
    throw error
  }
}
