import type { ColumnDriftResult, DriftColumnType } from '../../shared/domain/metrics'
import type { DriftOptions } from './drift-options'
import { chosenStattest, chosenThreshold } from './drift-options'
import { selectDefaultStatTest } from './select-default-stat-test'
import type { DriftSeries, StatTest } from './stattests/stat-test'
import { getStatTest } from './stattests/index'

/**
 * Drift of one column between cleaned reference and current samples (Evidently's `get_one_column_drift`):
 * the user's stattest when one is set for this column (type-checked, as Evidently's registry does),
 * otherwise Evidently's automatic choice; the user's threshold or the stattest's default.
 *
 * Where Evidently raises for the whole report (an empty column, a stattest error), driftdesk returns this
 * column with `error` set and null score, so the other columns are still computed.
 *
 * @param reference, current samples from {@link cleanDriftSeries}
 * @example computeColumnDrift('prediction', 'num', ref, cur) → { stattest: 'wasserstein', driftScore: 0.1885…, … }
 */
export function computeColumnDrift(
  column: string,
  columnType: DriftColumnType,
  reference: DriftSeries,
  current: DriftSeries,
  options: DriftOptions = {},
): ColumnDriftResult {
  const requested = chosenStattest(options, column, columnType)
  let statTest: StatTest | undefined
  try {
    statTest = requested === undefined ? undefined : getStatTest(requested, columnType)
    for (const [series, dataset] of [
      [reference, 'reference'],
      [current, 'current'],
    ] as const) {
      if (series.length === 0) {
        throw new RangeError(
          `An empty column '${column}' was provided for drift calculation in the ${dataset} dataset.`,
        )
      }
    }
    statTest ??= selectDefaultStatTest(reference, current, columnType)
    const outcome = statTest.run(
      reference,
      current,
      columnType,
      chosenThreshold(options, column, columnType),
      options.random === undefined ? {} : { random: options.random },
    )
    return {
      column,
      columnType,
      stattest: statTest.name,
      stattestName: statTest.displayName,
      threshold: outcome.threshold,
      driftScore: outcome.driftScore,
      driftDetected: outcome.driftDetected,
    }
  } catch (error) {
    if (!(error instanceof RangeError) && !(error instanceof TypeError)) throw error
    return {
      column,
      columnType,
      stattest: statTest?.name ?? requested ?? 'default',
      stattestName: statTest?.displayName ?? requested ?? 'automatic',
      threshold: chosenThreshold(options, column, columnType) ?? statTest?.defaultThreshold ?? NaN,
      driftScore: null,
      driftDetected: null,
      error: error.message,
    }
  }
}
