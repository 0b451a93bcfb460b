/**
 * The two server-side expressions a provisioned driftdesk alert rule chains after its SQL query, as
 * Grafana's alerting evaluates them: a `reduce` that turns the query's numbers into one, and a
 * `threshold` that decides whether that number fires. The panel uses these to show the same state as
 * Grafana from the same provisioning file (one place for the numbers).
 * References: https://grafana.com/docs/grafana/latest/alerting/fundamentals/alert-rules/queries-conditions/
 */

export const GRAFANA_REDUCERS = ['last', 'mean', 'min', 'max', 'sum', 'count'] as const
export type GrafanaReducer = (typeof GRAFANA_REDUCERS)[number]

export const GRAFANA_EVALUATORS = ['gt', 'lt', 'within_range', 'outside_range'] as const
export type GrafanaEvaluatorType = (typeof GRAFANA_EVALUATORS)[number]

export interface GrafanaThreshold {
  readonly type: GrafanaEvaluatorType
  /** One bound for gt/lt, two (low, high) for the ranges. */
  readonly params: readonly number[]
}

/**
 * Reduces a series of numbers the way Grafana's `reduce` expression does in its default (strict) mode.
 * Null for an empty series (Grafana's "no data"), except `count`, which is 0.
 * @throws {RangeError} for a reducer outside GRAFANA_REDUCERS.
 * @example reduceSeries('last', [0.1, 0.3]) // 0.3
 */
export function reduceSeries(reducer: string, values: readonly number[]): number | null {
  if (reducer === 'count') return values.length
  if (values.length === 0) return null
  switch (reducer) {
    case 'last':
      return values[values.length - 1] as number
    case 'sum':
      return values.reduce((total, value) => total + value, 0)
    case 'mean':
      return values.reduce((total, value) => total + value, 0) / values.length
    case 'min':
      return Math.min(...values)
    case 'max':
      return Math.max(...values)
    default:
      throw new RangeError(
        `Unsupported reducer '${reducer}' (expected one of ${GRAFANA_REDUCERS.join(', ')}).`,
      )
  }
}

/**
 * Whether `value` fires the threshold: `gt` is strictly greater, `lt` strictly less, `within_range`
 * strictly between the two bounds, `outside_range` strictly outside them (Grafana's definitions).
 * @throws {RangeError} for a missing bound.
 * @example isThresholdExceeded({ type: 'gt', params: [2.5] }, 3) // true
 */
export function isThresholdExceeded(threshold: GrafanaThreshold, value: number): boolean {
  const [first, second] = threshold.params
  if (first === undefined) throw new RangeError(`Threshold '${threshold.type}' has no bound.`)
  switch (threshold.type) {
    case 'gt':
      return value > first
    case 'lt':
      return value < first
    case 'within_range':
    case 'outside_range': {
      if (second === undefined) {
        throw new RangeError(`Threshold '${threshold.type}' needs two bounds.`)
      }
      const low = Math.min(first, second)
      const high = Math.max(first, second)
      const isWithin = value > low && value < high
      return threshold.type === 'within_range' ? isWithin : value < low || value > high
    }
  }
}

/** The threshold in words, e.g. `> 2.5` or `outside 1 … 5`. */
export function describeThreshold(threshold: GrafanaThreshold): string {
  const [first, second] = threshold.params
  switch (threshold.type) {
    case 'gt':
      return `> ${first}`
    case 'lt':
      return `< ${first}`
    case 'within_range':
      return `within ${first} … ${second}`
    case 'outside_range':
      return `outside ${first} … ${second}`
  }
}
