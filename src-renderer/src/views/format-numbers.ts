/**
 * The panel's one rule per kind of number, used by every table and tile so the same quantity always
 * reads the same way:
 * - counts (rows, cells, tests): whole numbers with thousands separators, `25,211`;
 * - shares (a part of a whole, 0–1): a percentage with three significant digits, `85.7%`, `0.0312%`;
 * - scores and measurements (drift scores, p-values, statistics, errors): four significant digits,
 *   `0.04512`, `12.30`, and scientific notation outside 0.001–1,000,000 (`3.512e+15`, `1.200e-7`).
 * - parameters (thresholds, a condition's bound): as they were set, `0.1`, `0.3`, at most four
 *   significant digits.
 * Missing values are an em dash; non-finite ones are named.
 */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const SHARE = new Intl.NumberFormat('en-US', {
  style: 'percent',
  maximumSignificantDigits: 3,
})
const SCORE = new Intl.NumberFormat('en-US', {
  minimumSignificantDigits: 4,
  maximumSignificantDigits: 4,
  useGrouping: false,
})
const SCORE_DIGITS = 4

function special(value: number | null | undefined): string | null {
  if (value === null || value === undefined) return '—'
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  return null
}

/** A count: `1234567` → `1,234,567`. */
export function formatCount(value: number | null | undefined): string {
  return special(value) ?? COUNT.format(value as number)
}

/** A share between 0 and 1 as a percentage: `0.857` → `85.7%`. */
export function formatShare(value: number | null | undefined): string {
  return special(value) ?? SHARE.format(value as number)
}

/** A score or measurement with four significant digits: `0.045123` → `0.04512`. */
export function formatScore(value: number | null | undefined): string {
  const named = special(value)
  if (named !== null) return named
  const number = value as number
  const magnitude = Math.abs(number)
  if (number !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)) {
    return number.toExponential(SCORE_DIGITS - 1)
  }
  return SCORE.format(number)
}

/**
 * A value of unknown kind from a report dictionary: whole numbers are counted, other numbers are
 * scores, strings are shown as they are.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 1e15
      ? formatCount(value)
      : formatScore(value)
  }
  if (value === null || value === undefined) return '—'
  return String(value)
}

/** A parameter as it was set (`0.1`, not `0.1000`), at most four significant digits. */
export function formatParameter(value: number | null | undefined): string {
  const named = special(value)
  if (named !== null) return named
  const number = value as number
  return Number.isInteger(number) ? formatCount(number) : String(Number(number.toPrecision(4)))
}
