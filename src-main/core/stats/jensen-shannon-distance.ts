import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { relativeEntropyTerm } from './relative-entropy'

/**
 * Jensen–Shannon distance with the natural logarithm, as `scipy.spatial.distance.jensenshannon(p, q)`
 * (base=None) computes it: p and q are renormalised, m = (p+q)/2, result sqrt((KL(p‖m) + KL(q‖m)) / 2).
 * The maximum is sqrt(ln 2) ≈ 0.8326. Sums use numpy's pairwise order, so results match scipy's bits.
 *
 * @param p non-negative weights (not all zero)
 * @param q non-negative weights of the same length
 * @throws {RangeError} if the lengths differ
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.spatial.distance.jensenshannon.html
 * @example jensenShannonDistance([1, 0], [0, 1]) // Math.sqrt(Math.LN2)
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) {
    throw new RangeError('jensenShannonDistance needs vectors of equal length')
  }
  const sumP = numpyPairwiseSum(p)
  const sumQ = numpyPairwiseSum(q)
  const left = new Float64Array(p.length)
  const right = new Float64Array(p.length)
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sumP
    const qi = q[i]! / sumQ
    const mi = (pi + qi) / 2.0
    left[i] = relativeEntropyTerm(pi, mi)
    right[i] = relativeEntropyTerm(qi, mi)
  }
  return Math.sqrt((numpyPairwiseSum(left) + numpyPairwiseSum(right)) / 2.0)
}
