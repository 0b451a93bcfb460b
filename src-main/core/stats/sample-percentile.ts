/**
 * The q-th percentile of an ascending array with numpy's default 'linear' method, as
 * `np.percentile(values, q)`: virtual index (n − 1)·q/100, interpolated between its neighbours with
 * numpy's `_lerp` (computed from the upper neighbour when the fraction is >= 0.5, which is what keeps
 * numpy's result monotone and bit-identical here).
 *
 * @throws {RangeError} when the array is empty or q is outside [0, 100].
 * @see https://numpy.org/doc/stable/reference/generated/numpy.percentile.html
 * @example samplePercentile(Float64Array.of(1, 2, 3, 4), 25) // 1.75
 */
export function samplePercentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('samplePercentile: empty sample')
  if (!(q >= 0 && q <= 100))
    throw new RangeError(`samplePercentile: q must be in [0, 100], got ${q}`)
  const virtualIndex = ((sorted.length - 1) * q) / 100
  const below = Math.floor(virtualIndex)
  const above = Math.min(below + 1, sorted.length - 1)
  const fraction = virtualIndex - below
  const low = sorted[below]!
  const high = sorted[above]!
  const difference = high - low
  return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction
}
