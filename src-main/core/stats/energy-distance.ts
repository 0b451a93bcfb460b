import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { sortedFloat64 } from './sorted-float64'

/**
 * The energy distance between two 1-D empirical distributions, as `scipy.stats.energy_distance(u, v)`:
 * √2 · sqrt(∫ (F_u(t) − F_v(t))² dt), integrated exactly between successive pooled values. 0 for
 * identical samples; at most √2·sqrt(range) in units of the data.
 *
 * Assumptions: finite values, both samples non-empty. O((n + m) log(n + m)).
 *
 * @throws {RangeError} when a sample is empty (scipy: "Distribution can't be empty.").
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.energy_distance.html
 * @example energyDistance([0], [1]) // 1.4142135623730951 (√2)
 */
export function energyDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  if (u.length === 0 || v.length === 0) throw new RangeError("Distribution can't be empty.")
  const uSorted = sortedFloat64(u)
  const vSorted = sortedFloat64(v)
  const pooled = new Float64Array(u.length + v.length)
  pooled.set(uSorted, 0)
  pooled.set(vSorted, u.length)
  pooled.sort()
  const terms = new Float64Array(pooled.length - 1)
  let uIndex = 0
  let vIndex = 0
  for (let index = 0; index < terms.length; index++) {
    const value = pooled[index]!
    // searchsorted(..., side='right'): how many values of each sample are <= this pooled value.
    while (uIndex < uSorted.length && uSorted[uIndex]! <= value) uIndex++
    while (vIndex < vSorted.length && vSorted[vIndex]! <= value) vIndex++
    const difference = uIndex / uSorted.length - vIndex / vSorted.length
    terms[index] = difference * difference * (pooled[index + 1]! - value)
  }
  return Math.sqrt(2) * Math.sqrt(numpyPairwiseSum(terms))
}
