const BLOCK_SIZE = 128
/** numpy's default ufunc buffer size: a reduction reaches the inner loop in chunks of this many items. */
export const NUMPY_BUFFER_SIZE = 8192

/**
 * Sums `values[start..end)` in exactly the order numpy's `np.sum` adds float64: chunks of 8192 items
 * (the reduction's buffer) added left to right, each chunk summed by `pairwise_sum`
 * (numpy/core/src/umath/loops_utils.h.src): plain left-to-right below 8 terms, eight interleaved
 * accumulators up to 128 terms, and recursive halving (at a multiple of 8) beyond.
 *
 * Why: permutation tests compare a permuted statistic with the observed one using `<=`. Ties that are
 * exact in theory are decided by the last bit of rounding, so the statistic must be summed in numpy's
 * order to count the same permutations as Evidently.
 *
 * @example numpyPairwiseSum([1e16, 1, 1]) // 1e16 (left to right), not 1.0000000000000002e16
 */
export function numpyPairwiseSum(
  values: ArrayLike<number>,
  start = 0,
  end: number = values.length,
): number {
  let total = 0
  for (let chunk = start; chunk < end; chunk += NUMPY_BUFFER_SIZE) {
    total += pairwiseSum(values, chunk, Math.min(end, chunk + NUMPY_BUFFER_SIZE))
  }
  return total
}

function pairwiseSum(values: ArrayLike<number>, start: number, end: number): number {
  const count = end - start
  if (count < 8) {
    let sum = 0
    for (let index = start; index < end; index++) sum += values[index]!
    return sum
  }
  if (count <= BLOCK_SIZE) {
    let r0 = values[start]!
    let r1 = values[start + 1]!
    let r2 = values[start + 2]!
    let r3 = values[start + 3]!
    let r4 = values[start + 4]!
    let r5 = values[start + 5]!
    let r6 = values[start + 6]!
    let r7 = values[start + 7]!
    const unrolledEnd = start + (count - (count % 8))
    let index = start + 8
    for (; index < unrolledEnd; index += 8) {
      r0 += values[index]!
      r1 += values[index + 1]!
      r2 += values[index + 2]!
      r3 += values[index + 3]!
      r4 += values[index + 4]!
      r5 += values[index + 5]!
      r6 += values[index + 6]!
      r7 += values[index + 7]!
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7))
    for (; index < end; index++) sum += values[index]!
    return sum
  }
  let half = Math.floor(count / 2)
  half -= half % 8
  return pairwiseSum(values, start, start + half) + pairwiseSum(values, start + half, end)
}
