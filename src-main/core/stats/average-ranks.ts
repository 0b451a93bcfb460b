/**
 * Ranks starting at 1 with tied values sharing the mean of their positions, as
 * `scipy.stats.rankdata(values, method="average")`. Also returns the size of every tie group, which the
 * Mann-Whitney tie correction needs.
 *
 * Assumptions: no NaN (it would not compare). O(n log n).
 *
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.rankdata.html
 * @example averageRanks(Float64Array.of(10, 20, 20, 5)).ranks // [2, 3.5, 3.5, 1]
 */
export function averageRanks(values: ArrayLike<number>): {
  readonly ranks: Float64Array
  readonly tieGroupSizes: readonly number[]
} {
  const count = values.length
  const order = Array.from({ length: count }, (_, index) => index)
  // A stable sort keeps equal values adjacent; their order inside a group does not change the mean rank.
  order.sort((a, b) => values[a]! - values[b]!)
  const ranks = new Float64Array(count)
  const tieGroupSizes: number[] = []
  let start = 0
  while (start < count) {
    let end = start + 1
    while (end < count && values[order[end]!] === values[order[start]!]) end++
    // Positions start+1 .. end share the mean rank (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2
    for (let index = start; index < end; index++) ranks[order[index]!] = rank
    tieGroupSizes.push(end - start)
    start = end
  }
  return { ranks, tieGroupSizes }
}
