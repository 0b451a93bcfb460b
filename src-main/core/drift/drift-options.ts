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
  return options.perColumnStattest?.[column] ?? byType ?? options.stattest
}

/**
 * The threshold a user set on this column, or `undefined` for the stattest's default.
 * Precedence as Evidently's `DataDriftOptions.get_threshold`: per column, then per type, then all.
 */
export function chosenThreshold(
  options: DriftOptions,
  column: string,
  columnType: DriftColumnType,
): number | undefined {
  const byType = columnType === 'cat' ? options.catStattestThreshold : options.numStattestThreshold
  return options.perColumnStattestThreshold?.[column] ?? byType ?? options.stattestThreshold
}
