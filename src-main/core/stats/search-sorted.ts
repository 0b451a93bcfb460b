/**
 * The insertion index of `value` in the ascending array `sorted`, as `np.searchsorted`: with `side`
 * 'left' the first index whose element is >= value, with 'right' the first whose element is > value.
 * O(log n).
 *
 * @example searchSorted(Float64Array.of(1, 2, 2, 3), 2, 'left') // 1
 * @example searchSorted(Float64Array.of(1, 2, 2, 3), 2, 'right') // 3
 */
export function searchSorted(
  sorted: ArrayLike<number>,
  value: number,
  side: 'left' | 'right',
): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >>> 1
    const element = sorted[middle]!
    if (side === 'left' ? element < value : element <= value) low = middle + 1
    else high = middle
  }
  return low
}
