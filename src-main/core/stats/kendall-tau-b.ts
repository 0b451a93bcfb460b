/**
 * Kendall's τ-b of two equally long samples, as `scipy.stats.kendalltau(x, y)` (pandas' `corr("kendall")`):
 * (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)) with n₀ = n(n−1)/2 pairs and n₁, n₂ the pairs tied in x
 * and in y. Discordant pairs are counted with a Fenwick tree after sorting by (x, y), Knight's algorithm,
 * as scipy does. NaN below two values or when a sample is constant.
 *
 * Complexity O(n log n).
 * @throws {RangeError} when the samples differ in length.
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.kendalltau.html
 * @example kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]) // 0.6666666666666666
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  if (y.length !== n) throw new RangeError(`Samples differ in length: ${n} and ${y.length}.`)
  if (n < 2) return Number.NaN
  const yRank = denseRanks(y)
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort(
    (a, b) => (x[a] as number) - (x[b] as number) || (yRank[a] as number) - (yRank[b] as number),
  )
  let maxRank = 0
  for (const r of yRank) if (r > maxRank) maxRank = r
  const tree = new Float64Array(maxRank + 1)
  let discordant = 0
  let i = 0
  while (i < n) {
    let k = i
    const groupX = x[order[i] as number] as number
    // Earlier groups have a strictly smaller x: count those with a larger y.
    while (k < n && (x[order[k] as number] as number) === groupX) {
      let atMost = 0
      for (let idx = yRank[order[k] as number] as number; idx > 0; idx -= idx & -idx)
        atMost += tree[idx] as number
      discordant += i - atMost
      k++
    }
    for (; i < k; i++)
      for (let idx = yRank[order[i] as number] as number; idx <= maxRank; idx += idx & -idx)
        tree[idx] = (tree[idx] as number) + 1
  }
  let jointTies = 0
  let run = 1
  for (let j = 1; j <= n; j++) {
    const a = order[j - 1] as number
    const b = order[j]
    if (b !== undefined && x[a] === x[b] && yRank[a] === yRank[b]) run++
    else {
      jointTies += (run * (run - 1)) / 2
      run = 1
    }
  }
  const total = (n * (n - 1)) / 2
  const xTies = tiedPairs(x)
  const yTies = tiedPairs(y)
  const concordantMinusDiscordant = total - xTies - yTies + jointTies - 2 * discordant
  const tau = concordantMinusDiscordant / Math.sqrt(total - xTies) / Math.sqrt(total - yTies)
  if (!Number.isFinite(tau)) return Number.NaN
  return Math.max(-1, Math.min(1, tau))
}

/** 1-based dense ranks (equal values share a rank). */
function denseRanks(values: ArrayLike<number>): Int32Array {
  const order = Array.from({ length: values.length }, (_, i) => i)
  order.sort((a, b) => (values[a] as number) - (values[b] as number))
  const ranks = new Int32Array(values.length)
  let rank = 0
  let previous = Number.NaN
  for (const i of order) {
    const value = values[i] as number
    if (value !== previous) rank++
    previous = value
    ranks[i] = rank
  }
  return ranks
}

/** Σ t(t − 1)/2 over groups of equal values. */
function tiedPairs(values: ArrayLike<number>): number {
  const counts = new Map<number, number>()
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    counts.set(v, (counts.get(v) ?? 0) + 1)
  }
  let ties = 0
  for (const t of counts.values()) ties += (t * (t - 1)) / 2
  return ties
}
