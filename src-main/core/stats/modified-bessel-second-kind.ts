/**
 * The modified Bessel function of the second kind K_ν(x) for real order ν and x > 0, as
 * `scipy.special.kv(nu, x)`, from the integral K_ν(x) = ∫₀^∞ exp(−x cosh t) cosh(νt) dt.
 *
 * Why an integral: the integrand is entire and decays double-exponentially, so the trapezoidal rule
 * converges geometrically (error ~ exp(−π²/h)); with h = 1/32, and h below half the width 1/√x of
 * the integrand's peak for large x, it is accurate to a few ulps for the small orders the
 * Cramér-von Mises limit distribution needs (ν = 1/4), without a port of AMOS.
 * exp(−x) is factored out so large x keeps relative precision until the result itself underflows.
 *
 * Assumptions: |ν| ≤ 10 (the integrand's cosh(νt) growth is then dominated well before the cut-off).
 *
 * @throws {RangeError} for x <= 0 or a non-finite argument.
 * @see https://dlmf.nist.gov/10.32.E9
 * @example modifiedBesselSecondKind(0.5, 1) // 0.46106850444789454 (= sqrt(π/2) e^−1)
 */
export function modifiedBesselSecondKind(order: number, x: number): number {
  if (!(x > 0) || !Number.isFinite(x) || !Number.isFinite(order)) {
    throw new RangeError(`modifiedBesselSecondKind: x must be a positive finite number, got ${x}`)
  }
  const step = Math.min(1 / 32, 0.5 / Math.sqrt(x))
  // Beyond t where x(cosh t − 1) > 750 every term is below 1e-325 relative to the first.
  const limit = Math.acosh(1 + 750 / x) + 1
  let sum = 0.5 // t = 0 term: exp(0) · cosh(0), with the trapezoid's half weight
  for (let t = step; t <= limit; t += step) {
    const term = Math.exp(-x * (Math.cosh(t) - 1)) * Math.cosh(order * t)
    sum += term
    if (term < sum * 1e-18) break
  }
  return sum * step * Math.exp(-x)
}
