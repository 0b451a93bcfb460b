/**
 * The q-quantile of ascending-sorted values with linear interpolation between closest ranks: numpy's
 * default `np.quantile(..., method="linear")`, also pandas' `Series.quantile` and `describe()` percentiles.
 * Position h = (n − 1)·q; result = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 *
 * Assumes `sorted` is ascending and free of NaN (callers drop nulls first, as pandas does).
 * @throws {RangeError} when `sorted` is empty or `q` is outside [0, 1].
 * @see https://numpy.org/doc/stable/reference/generated/numpy.quantile.html (method 7 of Hyndman & Fan)
 * @example linearQuantile(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function linearQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) throw new RangeError('Cannot take a quantile of an empty sample.')
  if (!(q >= 0 && q <= 1)) throw new RangeError(`Quantile must be within [0, 1]; got ${q}.`)
  const position = (n - 1) * q
  const lower = Math.floor(position)
  const fraction = position - lower
  const low = sorted[lower] as number
  if (fraction === 0 || lower + 1 >= n) return low
  const high = sorted[lower + 1] as number
  // numpy's _lerp: a + (b − a)·t, switched to b − (b − a)·(1 − t) for t ≥ 0.5 (keeps monotonicity).
  const difference = high - low
  return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction
}
