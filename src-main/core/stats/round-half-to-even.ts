/**
 * Rounds to the nearest integer, ties to even, as `numpy.round` / Python's `round` do (unlike `Math.round`,
 * which rounds ties up).
 *
 * @example roundHalfToEven(2.5) // 2
 * @example roundHalfToEven(3.5) // 4
 */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x)
  const difference = x - floor
  if (difference < 0.5) return floor
  if (difference > 0.5) return floor + 1
  return floor % 2 === 0 ? floor : floor + 1
}
