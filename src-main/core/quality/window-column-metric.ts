import type { Frame } from '../data/frame'
import { getColumn, isNullAt } from '../data/frame'
import { linearQuantile } from '../stats/linear-quantile'
import { sortedNonNullValues } from './column-summary'

/**
 * An extra per-window column metric a project asks for (project file `metrics:`, CLI `--metric`):
 * - `quantile` (with `quantile` q in [0, 1]): Evidently's ColumnQuantileMetric, `Series.quantile(q)`;
 * - `value_range`: the column's min and max (stored as metrics `min` and `max`);
 * - `mean`: `Series.mean()`;
 * - `missing_share` / `missing_count`: missing cells as DatasetMissingValuesMetric counts them
 *   (null, NaN, "", ±inf).
 */
export type WindowMetricSpec =
  | { readonly column: string; readonly metric: 'quantile'; readonly quantile: number }
  | {
      readonly column: string
      readonly metric: 'value_range' | 'mean' | 'missing_share' | 'missing_count'
    }

/** One stored value: a row of `column_metrics` (`parameter` is the quantile's q, else NaN). */
export interface WindowMetricValue {
  readonly column: string
  readonly metric: 'quantile' | 'min' | 'max' | 'mean' | 'missing_share' | 'missing_count'
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
] as const

/**
 * Parses `--metric` text: `quantile:COLUMN:Q`, `value_range:COLUMN`, `mean:COLUMN`, `missing_share:COLUMN`
 * or `missing_count:COLUMN`. A column name may itself hold colons (only the last field of a quantile is Q).
 * @throws {RangeError} naming the accepted forms.
 * @example parseWindowMetric('quantile:fare_amount:0.5') // { column: 'fare_amount', metric: 'quantile', quantile: 0.5 }
 */
export function parseWindowMetric(text: string): WindowMetricSpec {
  const colon = text.indexOf(':')
  const metric = colon < 0 ? text : text.slice(0, colon)
  const rest = colon < 0 ? '' : text.slice(colon + 1)
  const forms =
    'quantile:COLUMN:Q (0 ≤ Q ≤ 1), value_range:COLUMN, mean:COLUMN, missing_share:COLUMN or missing_count:COLUMN'
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
    return { column: rest, metric: metric as Exclude<WindowMetricSpec['metric'], 'quantile'> }
  throw new RangeError(`'${text}' is not a metric: use ${forms}.`)
}

/** The `--metric` text of a spec (the inverse of {@link parseWindowMetric}). */
export function formatWindowMetric(spec: WindowMetricSpec): string {
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
