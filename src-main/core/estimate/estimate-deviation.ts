/** How well a series of estimates tracked the realized values. */
export interface EstimateDeviation {
  /** Windows with both an estimate and a realized value. */
  readonly windows: number
  /** Mean |estimated − realized|. */
  readonly estimateDeviation: number
  /** Mean |naive − realized|, the naive estimate being one constant for every window. */
  readonly naiveDeviation: number
  /** 1 − estimateDeviation / naiveDeviation: the share of the naive estimate's error removed. */
  readonly improvement: number
  /** Share of windows whose realized value lies inside [lower, upper]. */
  readonly bandCoverage: number
}

/**
 * Mean absolute deviation of estimates from realized values, against a constant naive estimate
 * (for MAE: the reference's MAE every window). Windows without a realized value are skipped.
 *
 * @throws {RangeError} when no window has a realized value.
 * @example estimateDeviation([{ estimate: 5, lower: 4, upper: 6, realized: 6 }], 4) → { estimateDeviation: 1, naiveDeviation: 2, improvement: 0.5, bandCoverage: 1, windows: 1 }
 */
export function estimateDeviation(
  windows: readonly {
    readonly estimate: number
    readonly lower: number
    readonly upper: number
    readonly realized: number | null
  }[],
  naive: number,
): EstimateDeviation {
  let count = 0
  let estimateSum = 0
  let naiveSum = 0
  let covered = 0
  for (const { estimate, lower, upper, realized } of windows) {
    if (realized === null) continue
    count++
    estimateSum += Math.abs(estimate - realized)
    naiveSum += Math.abs(naive - realized)
    if (realized >= lower && realized <= upper) covered++
  }
  if (count === 0)
    throw new RangeError('No window has a realized value to compare the estimates with.')
  const estimateMean = estimateSum / count
  const naiveMean = naiveSum / count
  return {
    windows: count,
    estimateDeviation: estimateMean,
    naiveDeviation: naiveMean,
    improvement: naiveMean === 0 ? 0 : 1 - estimateMean / naiveMean,
    bandCoverage: covered / count,
  }
}
