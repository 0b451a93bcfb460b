/**
 * An ascending copy of `values` (numeric order; `-0` and `0` compare equal), as `np.sort`.
 *
 * @example sortedFloat64([3, 1, 2]) // Float64Array [1, 2, 3]
 */
export function sortedFloat64(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort()
}
