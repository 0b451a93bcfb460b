import { numpyLinspace } from './numpy-linspace'

/**
 * Bin edges of `numpy.histogram_bin_edges(x, bins="sturges")` for a sample summarised by its size, minimum and
 * maximum (the only things Sturges' rule looks at).
 *
 * numpy's steps, copied operation by operation so the edges are bit-identical:
 * - the range is [min, max], widened to [min − 0.5, max + 0.5] when min = max;
 * - width = ptp / (log2(n) + 1) with ptp = max − min of the data (0 for a constant sample);
 * - number of bins = ceil((last − first) / width), or 1 when the width is 0;
 * - edges follow `numpy.linspace(first, last, bins + 1)`: k·step + first, with the last edge set to `last`.
 *
 * @param size number of values in the sample (≥ 1)
 * @param minimum smallest value (finite)
 * @param maximum largest value (finite)
 * @returns the ascending bin edges (length = number of bins + 1)
 * @throws {RangeError} if size < 1 or the range is not finite
 * @see https://numpy.org/doc/stable/reference/generated/numpy.histogram_bin_edges.html
 * @example histogramBinEdgesSturges(4, 0, 3) // Float64Array [0, 1, 2, 3]   (log2(4) + 1 = 3 bins)
 */
export function histogramBinEdgesSturges(
  size: number,
  minimum: number,
  maximum: number,
): Float64Array {
  if (!(size >= 1)) throw new RangeError('histogramBinEdgesSturges needs a non-empty sample')
  if (!Number.isFinite(minimum) || !Number.isFinite(maximum)) {
    throw new RangeError(`autodetected range of [${minimum}, ${maximum}] is not finite`)
  }
  let first = minimum
  let last = maximum
  if (first === last) {
    first = first - 0.5
    last = last + 0.5
  }
  const width = (maximum - minimum) / (Math.log2(size) + 1.0)
  const binCount = width ? Math.ceil((last - first) / width) : 1
  return numpyLinspace(first, last, binCount + 1)
}
