import type { DriftColumnType } from '../../shared/domain/metrics'

/**
 * Stattest and threshold overrides, named as Evidently's metric and preset keyword arguments
 * (`WithDriftOptionsFields`, camelCased). Unset means Evidently's automatic choice and default threshold.
 */
export interface DriftOptions {
  readonly stattest?: string
  readonly catStattest?: string
  readonly numStattest?: string
  readonly perColumnStattest?: Readonly<Record<string, string>>
  readonly stattestThreshold?: number
  readonly catStattestThreshold?: number
  readonly numStattestThreshold?: number
  readonly perColumnStattestThreshold?: Readonly<Record<string, number>>
  /** Share of drifted columns at which the dataset drifts (inclusive `>=`); Evidently's default is 0.5. */
  readonly driftShare?: number
  /** Seeded uniform source for the permutation tests (empirical_mmd, TVD). */
  readonly random?: () => number
}

/**
 * The stattest a user asked for on this column, or `undefined` for the automatic choice.
 * Precedence as Evidently's `DataDriftOptions.get_feature_stattest_func`: per column, then per type, then all.
 */
export function chosenStattest(
  options: DriftOptions,
  column: string,
  columnType: DriftColumnType,
): string | undefined {
  const byType = columnType === 'cat' ? options.catStattest : options.numStattest
  return ownValue(options.perColumnStattest, column) ?? byType ?? options.stattest
}

/**
 * The threshold a user set on this column, or `undefined` for the stattest's default.
 *
 * Precedence as Evidently's `utils/data_drift_utils.py::_calculate_threshold` (reached from
 * `DataDriftOptions.get_threshold`): the per-column value when the column is a KEY of
 * `per_column_stattest_threshold`, then the per-type value, then the global one. A column missing from the
 * per-column dict falls through to the per-type/global threshold: the 0.4-era code (with the embeddings
 * helpers) and 0.7's `legacy/utils/data_drift_utils.py` both test `feature_name in
 * per_column_stattest_threshold.keys()`. Older code (issue #678, July 2023) returned `.get(name)` once the dict was set,
 * giving a missing column the stattest's default threshold (evidently issue #678); that is not copied.
 * @see https://github.com/evidentlyai/evidently/issues/678
 * @example chosenThreshold({ perColumnStattestThreshold: { a: 0.2 }, numStattestThreshold: 0.3 }, 'b', 'num') // 0.3
 */
export function chosenThreshold(
  options: DriftOptions,
  column: string,
  columnType: DriftColumnType,
): number | undefined {
  const byType = columnType === 'cat' ? options.catStattestThreshold : options.numStattestThreshold
  return ownValue(options.perColumnStattestThreshold, column) ?? byType ?? options.stattestThreshold
}

/**
 * `record[key]` only when the record itself holds the key: a column named `toString` or `constructor`
 * must not pick up `Object.prototype`'s members as its stattest or threshold.
 */
function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined
}
