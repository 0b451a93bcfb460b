/**
 * The k-th smallest value (0-based) of `values` by quickselect, without sorting everything; `values`
 * is reordered in place. Expected O(n).
 *
 * @throws {RangeError} when k is outside [0, n).
 * @example kthSmallest(Float64Array.of(5, 1, 4, 2), 1) // 2
 */
export function kthSmallest(values: Float64Array, k: number): number {
  if (!Number.isInteger(k) || k < 0 || k >= values.length) {
    throw new RangeError(`kthSmallest: k must be an integer in [0, ${values.length}), got ${k}`)
  }
  let low = 0
  let high = values.length - 1
  while (low < high) {
    // Median of three as the pivot keeps sorted and constant inputs O(n).
    const middle = (low + high) >>> 1
    const pivot = medianOfThree(values[low]!, values[middle]!, values[high]!)
    let i = low
    let j = high
    while (i <= j) {
      while (values[i]! < pivot) i++
      while (values[j]! > pivot) j--
      if (i <= j) {
        const held = values[i]!
        values[i] = values[j]!
        values[j] = held
        i++
        j--
      }
    }
    if (k <= j) high = j
    else if (k >= i) low = i
    else return values[k]!
  }
  return values[k]!
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a
  return a < c ? a : b < c ? c : b
}
