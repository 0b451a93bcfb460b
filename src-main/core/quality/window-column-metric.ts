import type { Frame } from '../data/frame'
import type { ProjectFile } from '../project/project-schema'
import { getColumn, isNullAt } from '../data/frame'
import { linearQuantile } from '../stats/linear-quantile'
import type { CorrelationMethod } from './column-pair-correlation'
import { CORRELATION_METHODS, columnPairCorrelation } from './column-pair-correlation'
import { sortedNonNullValues } from './column-summary'

/**
 * An extra per-window column metric a project asks for (project file `metrics:`, CLI `--metric`):
 * - `quantile` (with `quantile` q in [0, 1]): Evidently's ColumnQuantileMetric, `Series.quantile(q)`;
 * - `value_range`: the column's min and max (stored as metrics `min` and `max`);
 * - `mean`: `Series.mean()`;
 * - `missing_share` / `missing_count`: missing cells as DatasetMissingValuesMetric counts them
 *   (null, NaN, "", ±inf);
 * - `correlation` (with `with`, a second column, and `method`): pandas' `DataFrame.corr(method)` entry
 *   of the two columns, as Evidently's DatasetCorrelationsMetric computes it ({@link columnPairCorrelation}),
 *   stored with `column_name` 'A,B' ({@link correlationColumnName}) and metric `pearson_correlation`,
 *   `spearman_correlation` or `kendall_correlation`.
 */
export type WindowMetricSpec =
  | { readonly column: string; readonly metric: 'quantile'; readonly quantile: number }
  | {
      readonly column: string
      readonly metric: 'value_range' | 'mean' | 'missing_share' | 'missing_count'
    }
  | {
      readonly column: string
      readonly metric: 'correlation'
      readonly with: string
      readonly method: CorrelationMethod
    }

/** One stored value: a row of `column_metrics` (`parameter` is the quantile's q, else NaN). */
export interface WindowMetricValue {
  readonly column: string
  readonly metric:
    | 'quantile'
    | 'min'
    | 'max'
    | 'mean'
    | 'missing_share'
    | 'missing_count'
    | `${CorrelationMethod}_correlation`
  readonly parameter: number
  readonly value: number | null
  /** Why there is no value (the column is missing, holds text, or has no values in this window). */
  readonly error?: string
}

/** The metric names `--metric` and `metrics:` accept. */
export const WINDOW_METRIC_NAMES = [
  'quantile',
  'value_range',
  'mean',
  'missing_share',
  'missing_count',
  'correlation',
] as const

/**
 * The `column_name` a correlation is stored under: both columns, comma-separated, in the order given
 * (`correlation:fare_amount:trip_distance` is stored as 'fare_amount,trip_distance'), so a Grafana panel
 * labels it by both and the methods of one pair share it.
 */
export function correlationColumnName(spec: {
  readonly column: string
  readonly with: string
}): string {
  return `${spec.column},${spec.with}`
}

/**
 * Why a correlation's column names cannot be stored unambiguously, or undefined when they can: a name
 * holding the separator of {@link correlationColumnName} (',') would make two different pairs ('a,b' with
 * 'c', 'a' with 'b,c') share one stored `column_name` ('a,b,c'), so one would overwrite the other.
 */
export function correlationColumnsProblem(column: string, other: string): string | undefined {
  const bad = [column, other].find((name) => name.includes(','))
  return bad === undefined
    ? undefined
    : `the column name '${bad}' holds a comma, which separates the two columns of a stored correlation ('A,B'), so the pair would be ambiguous: rename the column (without a comma) before correlating it`
}

/**
 * The specs without repeats: two specs that store the same values (same stored column name, metric and
 * parameter, e.g. `correlation:a:b` and `correlation:a:b:pearson`, or `mean:x` given in the project file
 * and again as `--metric`) are one; the first is kept, in order. Storing both would put one key twice in
 * a single upsert, which PostgreSQL refuses (21000), failing every window.
 */
export function uniqueWindowMetrics(specs: readonly WindowMetricSpec[]): WindowMetricSpec[] {
  const seen = new Set<string>()
  return specs.filter((spec) => {
    const key = JSON.stringify([
      storedColumnName(spec),
      spec.metric === 'correlation' ? spec.method : spec.metric,
      spec.metric === 'quantile' ? spec.quantile : null,
    ])
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** The `column_name` a spec's values are stored under. */
export function storedColumnName(spec: WindowMetricSpec): string {
  return spec.metric === 'correlation' ? correlationColumnName(spec) : spec.column
}

/**
 * Parses `--metric` text: `quantile:COLUMN:Q`, `value_range:COLUMN`, `mean:COLUMN`, `missing_share:COLUMN`,
 * `missing_count:COLUMN` or `correlation:COLUMN_A:COLUMN_B[:pearson|spearman|kendall]` (Pearson when
 * left out). A column name may itself hold colons (only the last field of a quantile is Q), except in
 * a correlation, where two names could then be cut in more than one place: the project file's form
 * (`{column: A, metric: correlation, with: B}`) takes any names.
 * @throws {RangeError} naming the accepted forms.
 * @example parseWindowMetric('quantile:fare_amount:0.5') // { column: 'fare_amount', metric: 'quantile', quantile: 0.5 }
 * @example parseWindowMetric('correlation:a:b:kendall') // { column: 'a', metric: 'correlation', with: 'b', method: 'kendall' }
 */
export function parseWindowMetric(text: string): WindowMetricSpec {
  const colon = text.indexOf(':')
  const metric = colon < 0 ? text : text.slice(0, colon)
  const rest = colon < 0 ? '' : text.slice(colon + 1)
  const forms =
    'quantile:COLUMN:Q (0 ≤ Q ≤ 1), value_range:COLUMN, mean:COLUMN, missing_share:COLUMN, missing_count:COLUMN or correlation:COLUMN_A:COLUMN_B[:pearson|spearman|kendall]'
  if (metric === 'correlation') {
    const parts = rest.split(':')
    const last = parts[parts.length - 1] as string
    const hasMethod =
      parts.length === 3 && (CORRELATION_METHODS as readonly string[]).includes(last)
    if ((parts.length === 2 || hasMethod) && parts[0] !== '' && parts[1] !== '') {
      const problem = correlationColumnsProblem(parts[0] as string, parts[1] as string)
      if (problem !== undefined) throw new RangeError(`'${text}' cannot be stored: ${problem}.`)
      return {
        column: parts[0] as string,
        metric,
        with: parts[1] as string,
        method: hasMethod ? (last as CorrelationMethod) : 'pearson',
      }
    }
    throw new RangeError(
      `'${text}' is not a metric: a correlation is written correlation:COLUMN_A:COLUMN_B or correlation:COLUMN_A:COLUMN_B:METHOD (METHOD pearson, spearman or kendall; pearson when left out). ` +
        `For column names that hold a colon, use the project file: {column: A, metric: correlation, with: B, method: spearman}.`,
    )
  }
  if (metric === 'quantile') {
    const last = rest.lastIndexOf(':')
    const column = last < 0 ? '' : rest.slice(0, last)
    const q = last < 0 ? Number.NaN : Number(rest.slice(last + 1))
    if (column === '' || rest.slice(last + 1).trim() === '' || !(q >= 0 && q <= 1))
      throw new RangeError(
        `'${text}' is not a metric: a quantile is written ${forms.split(',')[0]}.`,
      )
    return { column, metric, quantile: q }
  }
  if ((WINDOW_METRIC_NAMES as readonly string[]).includes(metric) && rest !== '')
    return {
      column: rest,
      metric: metric as Exclude<WindowMetricSpec['metric'], 'quantile' | 'correlation'>,
    }
  throw new RangeError(`'${text}' is not a metric: use ${forms}.`)
}

/** A project file's `metrics:` entry as a spec (a correlation's method defaults to pearson). */
export function projectMetricSpec(
  entry: NonNullable<ProjectFile['metrics']>[number],
): WindowMetricSpec {
  if (entry.metric === 'quantile')
    return { column: entry.column, metric: 'quantile', quantile: entry.quantile }
  if (entry.metric === 'correlation') {
    const problem = correlationColumnsProblem(entry.column, entry.with)
    if (problem !== undefined) throw new RangeError(`A correlation cannot be stored: ${problem}.`)
    return {
      column: entry.column,
      metric: 'correlation',
      with: entry.with,
      method: entry.method ?? 'pearson',
    }
  }
  return { column: entry.column, metric: entry.metric }
}

/** The `--metric` text of a spec (the inverse of {@link parseWindowMetric}). */
export function formatWindowMetric(spec: WindowMetricSpec): string {
  if (spec.metric === 'correlation') return `correlation:${spec.column}:${spec.with}:${spec.method}`
  return spec.metric === 'quantile'
    ? `quantile:${spec.column}:${spec.quantile}`
    : `${spec.metric}:${spec.column}`
}

/**
 * The values of one extra metric over one window's rows, as pandas computes them on the window's frame:
 * quantiles with numpy's default linear interpolation over the non-null values (Evidently's
 * ColumnQuantileMetric is `current_data[column].quantile(q)`), min/max/mean skipping nulls. A window where
 * the column has no value gives `value: null` with an `error`, never a failed backfill.
 * Complexity O(n log n) for a quantile (one sort), O(n) otherwise.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/metrics/data_quality/column_quantile_metric.py
 * @example windowColumnMetric(day, { column: 'fare_amount', metric: 'quantile', quantile: 0.5 })[0].value // 13.5
 */
export function windowColumnMetric(frame: Frame, spec: WindowMetricSpec): WindowMetricValue[] {
  if (spec.metric === 'correlation') {
    const { value, error } = columnPairCorrelation(frame, spec.column, spec.with, spec.method)
    return [
      {
        column: correlationColumnName(spec),
        metric: `${spec.method}_correlation`,
        parameter: Number.NaN,
        value,
        ...(error === undefined ? {} : { error }),
      },
    ]
  }
  const parameter = spec.metric === 'quantile' ? spec.quantile : Number.NaN
  const names: WindowMetricValue['metric'][] =
    spec.metric === 'value_range' ? ['min', 'max'] : [spec.metric]
  const failed = (error: string): WindowMetricValue[] =>
    names.map((metric) => ({ column: spec.column, metric, parameter, value: null, error }))
  if (!frame.names.includes(spec.column))
    return failed(
      frame.rowCount === 0
        ? 'The window has no rows.'
        : `Column '${spec.column}' is not in the data; it has: ${frame.names.join(', ')}.`,
    )
  const column = getColumn(frame, spec.column)
  if (spec.metric === 'missing_count' || spec.metric === 'missing_share') {
    let missing = 0
    for (let i = 0; i < frame.rowCount; i++) if (isMissingCell(column, i)) missing++
    const value =
      spec.metric === 'missing_count'
        ? missing
        : frame.rowCount === 0
          ? null
          : missing / frame.rowCount
    return [
      {
        column: spec.column,
        metric: spec.metric,
        parameter,
        value,
        ...(value === null ? { error: 'The window has no rows.' } : {}),
      },
    ]
  }
  if (column.kind === 'string')
    return failed(`Column '${spec.column}' holds text; ${spec.metric} needs numbers.`)
  const sorted = sortedNonNullValues(column, frame.rowCount)
  if (sorted.length === 0) return failed(`Column '${spec.column}' has no value in this window.`)
  if (spec.metric === 'quantile')
    return [
      {
        column: spec.column,
        metric: 'quantile',
        parameter,
        value: linearQuantile(sorted, spec.quantile),
      },
    ]
  if (spec.metric === 'value_range')
    return [
      { column: spec.column, metric: 'min', parameter, value: sorted[0] as number },
      { column: spec.column, metric: 'max', parameter, value: sorted[sorted.length - 1] as number },
    ]
  // pandas' mean: a plain sum over the non-null values (numpy pairwise summation differs in the last bits).
  let sum = 0
  for (const value of sorted) sum += value
  return [{ column: spec.column, metric: 'mean', parameter, value: sum / sorted.length }]
}

/** A missing cell as DatasetMissingValuesMetric counts it: null, NaN, the empty string or ±inf. */
function isMissingCell(column: Parameters<typeof isNullAt>[0], i: number): boolean {
  if (isNullAt(column, i)) return true
  if (column.kind === 'string') return column.values[i] === ''
  if (column.kind === 'null') return true
  const value = column.values[i] as number
  return value === Infinity || value === -Infinity
}
