import { linearQuantile } from '../stats/linear-quantile'

/** Quartiles, Tukey's fences and the range of a reference sample. */
export interface TukeyFences {
  readonly q1: number
  readonly q3: number
  readonly lowerFence: number
  readonly upperFence: number
  readonly min: number
  readonly max: number
}

/**
 * Tukey's fences `Q1 − k·IQR` and `Q3 + k·IQR` (k = 1.5) of an ascending, NaN-free sample, with quartiles
 * taken as numpy's default (linear interpolation, `np.quantile(x, [0.25, 0.75])`).
 *
 * @throws {RangeError} when `sorted` is empty or `k` is negative.
 * @see https://en.wikipedia.org/wiki/Outlier#Tukey's_fences
 * @example tukeyFences(Float64Array.of(1, 2, 3, 4, 5)) // q1 2, q3 4, fences −1 and 7
 */
export function tukeyFences(sorted: ArrayLike<number>, k = 1.5): TukeyFences {
  if (!(k >= 0)) throw new RangeError(`The fence multiplier must be non-negative; got ${k}.`)
  const q1 = linearQuantile(sorted, 0.25)
  const q3 = linearQuantile(sorted, 0.75)
  const iqr = q3 - q1
  return {
    q1,
    q3,
    lowerFence: q1 - k * iqr,
    upperFence: q3 + k * iqr,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  }
}
