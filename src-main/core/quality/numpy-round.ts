import { roundHalfToEven } from '../stats/round-half-to-even'

/**
 * numpy's `np.round(x, decimals)` for one float: scale by 10^decimals, round half to even, scale back.
 * Evidently rounds summary statistics (mean, std, min, max, quartiles) this way before deriving test
 * conditions from them, so reproducing its conditions needs numpy's arithmetic, not `toFixed`.
 *
 * Non-finite inputs are returned unchanged (numpy does the same).
 * @see https://numpy.org/doc/stable/reference/generated/numpy.around.html
 * @example numpyRound(2.675, 2) // 2.68 (2.675·100 rounds to exactly 267.5; Python's round() says 2.67)
 * @example numpyRound(0.125, 2) // 0.12 (ties go to even)
 */
export function numpyRound(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value
  if (decimals >= 0) {
    const scale = 10 ** decimals
    return roundHalfToEven(value * scale) / scale
  }
  const scale = 10 ** -decimals
  return roundHalfToEven(value / scale) * scale
}
