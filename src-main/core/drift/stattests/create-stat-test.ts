import type { DriftColumnType } from '../../../shared/domain/metrics'
import { getSeriesProfile } from '../series-profile'
import type { DriftSeries, StatTest, StatTestName, StatTestOptions } from './stat-test'

/** What one stattest file defines; {@link createStatTest} adds Evidently's threshold handling. */
export interface StatTestDefinition {
  readonly name: StatTestName
  readonly displayName: string
  readonly allowedTypes: readonly DriftColumnType[]
  readonly defaultThreshold: number
  /** The drift score (a p-value or a distance) of cleaned, non-empty samples. */
  score(
    reference: DriftSeries,
    current: DriftSeries,
    columnType: DriftColumnType,
    options: StatTestOptions,
  ): number
  /** Evidently's decision with its exact operator, e.g. `p <= threshold` for KS, `d >= threshold` for Wasserstein. */
  isDrift(score: number, threshold: number): boolean
}

/**
 * Builds a {@link StatTest} the way Evidently's `StatTest.__call__` works: `threshold` undefined → default,
 * then `(score, isDrift(score, threshold))`. Empty samples and NaN/±inf values are rejected up front with a
 * RangeError: Evidently's callers never pass them (ColumnDriftMetric drops NaN/±inf and raises "An empty
 * column ..." first), so the caller must clean; the check is cached per reference array.
 *
 * @throws {RangeError} from `run` when a sample is empty, holds NaN/±inf, or the threshold is not finite
 * @example createStatTest({ name: 'ks', ..., isDrift: (p, t) => p <= t }).run(ref, cur, 'num').driftDetected
 */
export function createStatTest(definition: StatTestDefinition): StatTest {
  return {
    name: definition.name,
    displayName: definition.displayName,
    allowedTypes: definition.allowedTypes,
    defaultThreshold: definition.defaultThreshold,
    run(reference, current, columnType, threshold, options = {}) {
      const actualThreshold = threshold ?? definition.defaultThreshold
      if (!Number.isFinite(actualThreshold)) {
        throw new RangeError(
          `${definition.name}: the threshold must be a finite number, got ${actualThreshold}`,
        )
      }
      if (reference.length === 0 || current.length === 0) {
        throw new RangeError(
          `${definition.name}: an empty ${reference.length === 0 ? 'reference' : 'current'} sample was provided; drop nulls first and skip empty columns`,
        )
      }
      requireFinite(reference, 'reference', definition.name)
      requireFinite(current, 'current', definition.name)
      const driftScore = definition.score(reference, current, columnType, options)
      return {
        driftScore,
        driftDetected: definition.isDrift(driftScore, actualThreshold),
        threshold: actualThreshold,
      }
    },
  }
}

function requireFinite(series: DriftSeries, which: 'reference' | 'current', name: string): void {
  const index = getSeriesProfile(series).firstNonFiniteIndex()
  if (index >= 0) {
    throw new RangeError(
      `${name}: the ${which} sample holds ${String(series[index])} at index ${index}; drop null, NaN and ±inf values first (as Evidently's ColumnDriftMetric does)`,
    )
  }
}
