/**
 * Cramér's V of two nominal samples, as Evidently 0.4's `_cramer_v`: the chi-square statistic of their
 * contingency table (`pd.crosstab`, no continuity correction), φ² = χ²/n, V = √(φ² / min(r − 1, c − 1)).
 * NaN when either sample has a single category (or there are no pairs).
 *
 * Complexity O(n + r·c).
 * @throws {RangeError} when the samples differ in length.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/calculations/data_quality.py
 * @example cramersV(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y']) // 1
 */
export function cramersV(x: readonly (number | string)[], y: readonly (number | string)[]): number {
  const n = x.length
  if (y.length !== n) throw new RangeError(`Samples differ in length: ${n} and ${y.length}.`)
  const rows = new Map<number | string, number>()
  const columns = new Map<number | string, number>()
  for (let i = 0; i < n; i++) {
    const a = x[i] as number | string
    const b = y[i] as number | string
    if (!rows.has(a)) rows.set(a, rows.size)
    if (!columns.has(b)) columns.set(b, columns.size)
  }
  const r = rows.size
  const c = columns.size
  const table = new Float64Array(r * c)
  for (let i = 0; i < n; i++) {
    const index =
      (rows.get(x[i] as number | string) as number) * c +
      (columns.get(y[i] as number | string) as number)
    table[index] = (table[index] as number) + 1
  }
  const dof = Math.min(r - 1, c - 1)
  if (n === 0 || dof <= 0) return Number.NaN
  const rowSums = new Float64Array(r)
  const columnSums = new Float64Array(c)
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      const v = table[i * c + j] as number
      rowSums[i] = (rowSums[i] as number) + v
      columnSums[j] = (columnSums[j] as number) + v
    }
  let chiSquare = 0
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      const expected = ((rowSums[i] as number) * (columnSums[j] as number)) / n
      const d = (table[i * c + j] as number) - expected
      chiSquare += (d * d) / expected
    }
  return Math.sqrt(chiSquare / n / dof)
}
