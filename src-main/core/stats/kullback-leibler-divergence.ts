import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { relativeEntropyTerm } from './relative-entropy'

/**
 * Kullback–Leibler divergence D(p‖q) in nats, as `scipy.stats.entropy(p, q)` computes it: both vectors are first
 * renormalised to sum to 1, then Σ p·ln(p/q); sums in numpy's pairwise order.
 *
 * @param p non-negative weights (not all zero)
 * @param q non-negative weights of the same length
 * @throws {RangeError} if the lengths differ
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.stats.entropy.html
 * @example kullbackLeiblerDivergence([0.5, 0.5], [0.25, 0.75]) // ≈ 0.14384
 */
export function kullbackLeiblerDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length)
    throw new RangeError('kullbackLeiblerDivergence needs vectors of equal length')
  const sumP = numpyPairwiseSum(p)
  const sumQ = numpyPairwiseSum(q)
  const terms = new Float64Array(p.length)
  for (let i = 0; i < p.length; i++) terms[i] = relativeEntropyTerm(p[i]! / sumP, q[i]! / sumQ)
  return numpyPairwiseSum(terms)
}
