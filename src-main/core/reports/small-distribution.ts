import type { DriftSeries } from '../drift/stattests/stat-test'
import { numpyLinspace } from '../stats/numpy-linspace'

/** Evidently's `small_distribution`: bin edges and densities (numerical) or keys and counts (categorical). */
export interface SmallDistribution {
  /** Bin edges, or category keys (JSON booleans for a boolean column). */
  readonly x: readonly (number | string | boolean)[]
  readonly y: readonly number[]
}

/** Evidently's `DataDriftOptions.DEFAULT_NBINSX`. */
const defaultHistogramBins = 10

/**
 * `np.histogram(values, bins, density=True)` as Evidently's drift table stores it for a numerical column:
 * `bins + 1` equal-width edges from min to max (`np.linspace`, last edge exactly max; ±0.5 around a constant
 * sample), counts with numpy's edge rules (each bin half-open, the last one closed), density = count / width /
 * total.
 * Assumes finite values (drift series are cleaned). An empty sample gives empty arrays.
 * @see https://numpy.org/doc/stable/reference/generated/numpy.histogram.html
 * @example numericSmallDistribution(Float64Array.of(0, 1, 1, 2), 2) // x [0, 1, 2], y [0.25, 0.75]
 */
export function numericSmallDistribution(
  values: Float64Array,
  bins: number = defaultHistogramBins,
): SmallDistribution {
  if (values.length === 0) return { x: [], y: [] }
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  if (min === max) {
    min -= 0.5
    max += 0.5
  }
  const edges = numpyLinspace(min, max, bins + 1)
  const counts = new Float64Array(bins)
  const norm = bins / (max - min)
  for (const v of values) {
    let index = Math.trunc((v - min) * norm)
    if (index === bins) index--
    // numpy's correction for rounding at the edges
    if (v < (edges[index] as number)) index--
    else if (index !== bins - 1 && v >= (edges[index + 1] as number)) index++
    counts[index]!++
  }
  const total = values.length
  const y: number[] = []
  for (let k = 0; k < bins; k++) {
    y.push((counts[k] as number) / ((edges[k + 1] as number) - (edges[k] as number)) / total)
  }
  return { x: Array.from(edges), y }
}

/**
 * Evidently's categorical `small_distribution` for one side: the union of reference and current keys,
 * ordered as strings (how pandas sorts the mixed index), with this side's counts (0 for absent keys).
 * Either side may be given as precomputed value counts (see {@link countValues}).
 * @example categoricalSmallDistribution(['b', 'a'], ['a', 'c'], 'current') // x ['a','b','c'], y [1,0,1]
 */
export function categoricalSmallDistribution(
  reference: DriftSeries | ReadonlyMap<number | string, number>,
  current: DriftSeries | ReadonlyMap<number | string, number>,
  side: 'reference' | 'current',
): SmallDistribution {
  const referenceCounts =
    reference instanceof Map ? reference : countValues(reference as DriftSeries)
  const currentCounts = current instanceof Map ? current : countValues(current as DriftSeries)
  const keys = [...new Set([...referenceCounts.keys(), ...currentCounts.keys()])]
  keys.sort((a, b) => compareAsStrings(a, b))
  const counts = side === 'reference' ? referenceCounts : currentCounts
  return { x: keys, y: keys.map((key) => counts.get(key) ?? 0) }
}

/** Value → count of a cleaned series, in first-seen order. */
export function countValues(series: DriftSeries): Map<number | string, number> {
  const counts = new Map<number | string, number>()
  for (const value of series) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

function compareAsStrings(a: number | string, b: number | string): number {
  const left = String(a)
  const right = String(b)
  return left < right ? -1 : left > right ? 1 : 0
}
