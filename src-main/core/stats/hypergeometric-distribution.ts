/**
 * The hypergeometric distribution of the number of successes in `draws` draws without replacement
 * from `population` items of which `successes` are successes (scipy's `hypergeom(M, n, N)`), with the
 * whole probability mass function tabulated once.
 *
 * The pmf comes from the ratio p(k+1)/p(k) = (K−k)(N−k) / ((k+1)(M−K−N+k+1)), walked out from the
 * mode and normalized, so every probability keeps full relative precision (no cancellation, no large
 * log-gamma differences). Tails are summed from their small end.
 *
 * Assumptions: non-negative integers with successes <= population and draws <= population.
 * O(support size) memory and time.
 *
 * @throws {RangeError} for arguments that are not such integers.
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.hypergeom.html
 * @example new HypergeometricDistribution(10, 5, 5).pmf(0) // 1/252
 */
export class HypergeometricDistribution {
  readonly lowest: number
  readonly highest: number
  private readonly masses: Float64Array

  constructor(
    readonly population: number,
    readonly successes: number,
    readonly draws: number,
  ) {
    const valid = [population, successes, draws].every((v) => Number.isInteger(v) && v >= 0)
    if (!valid || successes > population || draws > population) {
      throw new RangeError(
        `HypergeometricDistribution: need integers 0 <= successes, draws <= population, got (${population}, ${successes}, ${draws})`,
      )
    }
    this.lowest = Math.max(0, draws - (population - successes))
    this.highest = Math.min(successes, draws)
    const size = this.highest - this.lowest + 1
    const masses = new Float64Array(size)
    const mode = Math.min(
      this.highest,
      Math.max(this.lowest, Math.floor(((draws + 1) * (successes + 1)) / (population + 2))),
    )
    const ratio = (k: number): number =>
      ((successes - k) * (draws - k)) / ((k + 1) * (population - successes - draws + k + 1))
    masses[mode - this.lowest] = 1
    for (let k = mode; k < this.highest; k++) {
      masses[k + 1 - this.lowest] = masses[k - this.lowest]! * ratio(k)
    }
    for (let k = mode; k > this.lowest; k--) {
      masses[k - 1 - this.lowest] = masses[k - this.lowest]! / ratio(k - 1)
    }
    let total = 0
    // Sum from both tails inward, smallest terms first.
    let low = 0
    let high = size - 1
    while (low <= high) {
      if (masses[low]! <= masses[high]!) total += masses[low++]!
      else total += masses[high--]!
    }
    for (let index = 0; index < size; index++) masses[index]! /= total
    this.masses = masses
  }

  /** P(X = k); 0 outside the support. */
  pmf(k: number): number {
    if (!Number.isInteger(k) || k < this.lowest || k > this.highest) return 0
    return this.masses[k - this.lowest]!
  }

  /** P(X <= k). */
  cdf(k: number): number {
    if (k < this.lowest) return 0
    if (k >= this.highest) return 1
    let sum = 0
    for (let j = this.lowest; j <= Math.floor(k); j++) sum += this.masses[j - this.lowest]!
    return sum
  }

  /** P(X > k). */
  sf(k: number): number {
    if (k < this.lowest) return 1
    if (k >= this.highest) return 0
    let sum = 0
    for (let j = this.highest; j > Math.floor(k); j--) sum += this.masses[j - this.lowest]!
    return sum
  }
}
