import { smirnovOneSidedSurvival } from './smirnov-one-sided-survival'

/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic, P(Dₙ ≥ x), i.e.
 * `scipy.stats.kstwo.sf(x, n)` of scipy 1.10. `ks_2samp` uses it for its asymptotic method with
 * n = round(n1·n2/(n1+n2)).
 *
 * It follows scipy's `_ksstats._kolmogn` (Simard & L'Ecuyer 2011) branch by branch: Ruben–Gambino closed forms
 * near the ends, 2·smirnov for large x, the Durbin matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion and the
 * Pelz–Good asymptotic series in between, with the same cut-offs, so the chosen algorithm is always scipy's.
 *
 * @param x statistic
 * @param n sample size (integer ≥ 1)
 * @returns P(Dₙ ≥ x) in [0, 1]; NaN when n is not a positive integer
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.stats.kstwo.html
 * @see Simard, R., L'Ecuyer, P. (2011) "Computing the Two-Sided Kolmogorov-Smirnov Distribution", J. Stat. Soft. 39(11)
 * @example kolmogorovTwoSidedSurvival(0.5, 1) // 1 (x ≤ 1/(2n))
 */
export function kolmogorovTwoSidedSurvival(x: number, n: number): number {
  if (!(n >= 1) || !Number.isInteger(n) || Number.isNaN(x)) return NaN
  // rv_continuous.sf: at or below the support's lower end 1/(2n) the survival is 1; at or above 1 it is 0.
  if (x <= 0.5 / n) return 1
  if (x >= 1) return 0
  return kolmogorovSurvivalInSupport(n, x)
}

const EXPONENT_STEP = 128
const TWO_POW_128 = 2 ** 128
const TWO_POW_MINUS_128 = 2 ** -128
const SQRT_2PI = Math.sqrt(2 * Math.PI)
const LOG_2PI = Math.log(2 * Math.PI)
const MIN_LOG = -708
const SQRT3 = Math.sqrt(3)
const PI_SQUARED = Math.PI ** 2
const PI_FOUR = Math.PI ** 4
const PI_SIX = Math.PI ** 6
// scipy's Stirling-series coefficients, written as the doubles they round to.
const STIRLING_COEFFICIENTS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
]

function clipProbability(p: number): number {
  return Math.min(Math.max(p, 0), 1)
}

/** scipy `_kolmogn(n, x, cdf=False)`. */
function kolmogorovSurvivalInSupport(n: number, x: number): number {
  const t = n * x
  if (t <= 1.0) {
    if (t <= 0.5) return 1
    let probability: number
    if (n <= 140) {
      probability = 1
      for (let i = 1; i <= n; i++) probability *= i * (1.0 / n) * (2 * t - 1)
    } else {
      probability = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1))
    }
    return clipProbability(1.0 - probability)
  }
  if (t >= n - 1) return clipProbability(2 * (1.0 - x) ** n)
  if (x >= 0.5) return clipProbability(2 * smirnovOneSidedSurvival(n, x))
  const nxSquared = t * x
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clipProbability(1.0 - clipProbability(durbinMatrixCdf(n, x)))
    if (nxSquared <= 4) return clipProbability(1.0 - clipProbability(pomeranzCdf(n, x)))
    return clipProbability(2 * smirnovOneSidedSurvival(n, x))
  }
  if (nxSquared >= 370.0) return 0
  if (nxSquared >= 2.2) return clipProbability(2 * smirnovOneSidedSurvival(n, x))
  let cdf: number
  if (nxSquared >= 18.0) cdf = 1.0
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = durbinMatrixCdf(n, x)
  else cdf = pelzGoodCdf(n, x)
  return clipProbability(1.0 - cdf)
}

/** ln(n!/nⁿ) by Stirling's series (scipy `_log_nfactorial_div_n_pow_n`). */
function logFactorialOverPower(n: number): number {
  const rn = 1.0 / n
  let poly = 0
  for (const coefficient of STIRLING_COEFFICIENTS) poly = poly * (rn / n) + coefficient
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly
}

function matrixMultiply(a: Float64Array, b: Float64Array, size: number): Float64Array {
  const out = new Float64Array(size * size)
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < size; k++) {
      const aik = a[i * size + k]!
      if (aik === 0) continue
      for (let j = 0; j < size; j++) out[i * size + j]! += aik * b[k * size + j]!
    }
  }
  return out
}

/** P(Dₙ ≤ d) by the Durbin matrix algorithm, Marsaglia–Tsang–Wang form (scipy `_kolmogn_DMTW`, cdf). */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1.0) return 1
  const nd = n * d
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const h = k - nd
  const m = 2 * k - 1
  const v = new Float64Array(m)
  const w = new Float64Array(m)
  let factorial = 1.0
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1.0 - h ** j
    w[j - 1] = factorial
    factorial /= j
    v[j - 1]! *= factorial
  }
  const tt = Math.max(2 * h - 1.0, 0) ** m - 2 * h ** m
  v[m - 1] = (1.0 + tt) * factorial
  let H: Float64Array = new Float64Array(m * m)
  for (let i = 1; i < m; i++) {
    for (let row = i - 1; row < m; row++) H[row * m + i] = w[row - (i - 1)]!
  }
  for (let row = 0; row < m; row++) H[row * m] = v[row]!
  for (let col = 0; col < m; col++) H[(m - 1) * m + col] = v[m - 1 - col]!
  let power: Float64Array = new Float64Array(m * m)
  for (let i = 0; i < m; i++) power[i * m + i] = 1
  let remaining = n
  let exponent = 0
  let hExponent = 0
  while (remaining > 0) {
    if (remaining % 2) {
      power = matrixMultiply(power, H, m)
      exponent += hExponent
    }
    H = matrixMultiply(H, H, m)
    hExponent *= 2
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > TWO_POW_128) {
      for (let i = 0; i < H.length; i++) H[i]! /= TWO_POW_128
      hExponent += EXPONENT_STEP
    }
    remaining = Math.floor(remaining / 2)
  }
  let p = power[(k - 1) * m + (k - 1)]!
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < TWO_POW_MINUS_128) {
      p *= TWO_POW_128
      exponent -= EXPONENT_STEP
    }
  }
  if (exponent !== 0) p = p * 2 ** exponent
  return clipProbability(p)
}

/** Row i's interval of the Pomeranz recursion (scipy `_pomeranz_compute_j1j2`). */
function pomeranzInterval(
  i: number,
  n: number,
  ll: number,
  ceilF: number,
  roundF: number,
): [number, number] {
  let j1: number
  let j2: number
  if (i === 0) {
    j1 = -ll - ceilF - 1
    j2 = ll + ceilF - 1
  } else {
    const half = Math.floor((i + 1) / 2)
    const isOdd = (i + 1) % 2 === 0
    if (isOdd) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1
        j2 = n + ll + ceilF - 1
      } else {
        j1 = half - 1 - ll - roundF - 1
        j2 = half + ll - 1 + ceilF - 1
      }
    } else {
      j1 = half - 1 - ll - 1
      j2 = half + ll + roundF - 1
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)]
}

/** P(Dₙ ≤ x) by Pomeranz's recursion (scipy `_kolmogn_Pomeranz`, cdf). */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x
  const ll = Math.floor(t)
  const f = 1.0 * (t - ll)
  const g = Math.min(f, 1.0 - f)
  const ceilF = f > 0 ? 1 : 0
  const roundF = f > 0.5 ? 1 : 0
  const powerCount = 2 * (ll + 1)
  const gPower = new Float64Array(powerCount)
  const twoGPower = new Float64Array(powerCount)
  const oneMinusTwoGPower = new Float64Array(powerCount)
  gPower[0] = 1.0
  twoGPower[0] = 1.0
  oneMinusTwoGPower[0] = 1.0
  let exponent = 0
  const gOverN = g / n
  const twoGOverN = (2 * g) / n
  const oneMinusTwoGOverN = (1 - 2 * g) / n
  for (let m = 1; m < powerCount; m++) {
    gPower[m] = (gPower[m - 1]! * gOverN) / m
    twoGPower[m] = (twoGPower[m - 1]! * twoGOverN) / m
    oneMinusTwoGPower[m] = (oneMinusTwoGPower[m - 1]! * oneMinusTwoGOverN) / m
  }
  let V0 = new Float64Array(powerCount)
  let V1 = new Float64Array(powerCount)
  V1[0] = 1
  let V0s = 0
  let V1s = 0
  let [j1, j2] = pomeranzInterval(0, n, ll, ceilF, roundF)
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1
    ;[V0, V1] = [V1, V0]
    ;[V0s, V1s] = [V1s, V0s]
    V1.fill(0.0)
    ;[j1, j2] = pomeranzInterval(i, n, ll, ceilF, roundF)
    const powers = i === 1 || i === 2 * n + 1 ? gPower : i % 2 ? twoGPower : oneMinusTwoGPower
    const ln2 = j2 - k1 + 1
    if (ln2 > 0) {
      // Full convolution of V0[k1−V0s : k1−V0s+ln2] with powers[:ln2], entries conv_start.. of it.
      const offset = k1 - V0s
      const convStart = j1 - k1
      const convLength = j2 - j1 + 1
      let maximum = -Infinity
      for (let r = 0; r < convLength; r++) {
        const index = convStart + r
        let sum = 0
        for (let s = Math.max(0, index - ln2 + 1); s <= Math.min(index, ln2 - 1); s++) {
          sum += (V0[offset + s] ?? 0) * (powers[index - s] ?? 0)
        }
        V1[r] = sum
      }
      for (let r = 0; r < V1.length; r++) maximum = Math.max(maximum, V1[r]!)
      if (maximum > 0 && maximum < TWO_POW_MINUS_128) {
        for (let r = 0; r < V1.length; r++) V1[r]! *= TWO_POW_128
        exponent -= EXPONENT_STEP
      }
      V1s = V0s + j1 - k1
    }
  }
  let answer = V1[n - V1s]!
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > TWO_POW_128) {
      answer *= TWO_POW_MINUS_128
      exponent += EXPONENT_STEP
    }
    answer *= m
  }
  if (exponent !== 0) answer = answer * 2 ** exponent
  return clipProbability(answer)
}

/** Pelz–Good asymptotic approximation of P(Dₙ ≤ x) (scipy `_kolmogn_PelzGood`, cdf). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0.0) return 0
  if (x >= 1.0) return 1
  const z = Math.sqrt(n) * x
  const zSquared = z ** 2
  const zThree = z ** 3
  const zFour = z ** 4
  const zSix = z ** 6
  const qLog = -PI_SQUARED / 8 / zSquared
  if (qLog < MIN_LOG) return 0
  let q = Math.exp(qLog)
  const k1a = -zSquared
  const k1b = PI_SQUARED / 4
  const k2a = 6 * zSix + 2 * zFour
  const k2b = ((2 * zFour - 5 * zSquared) * PI_SQUARED) / 4
  const k2c = (PI_FOUR * (1 - 2 * zSquared)) / 16
  const k3d = (PI_SIX * (5 - 30 * zSquared)) / 64
  const k3c = (PI_FOUR * (-60 * zSquared + 212 * zFour)) / 16
  const k3b = (PI_SQUARED * (135 * zFour - 96 * zSix)) / 4
  const k3a = -30 * zSix - 90 * z ** 8
  const K = [0, 0, 0, 0]
  const maxK = Math.ceil((16 * z) / Math.PI)
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1
    const mSquared = m ** 2
    const mFour = m ** 4
    const mSix = m ** 6
    const qPower = q ** (8 * k)
    const coefficients = [
      1.0,
      k1a + k1b * mSquared,
      k2a + k2b * mSquared + k2c * mFour,
      k3a + k3b * mSquared + k3c * mFour + k3d * mSix,
    ]
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qPower + coefficients[i]!
  }
  const divisors = [z, 6 * zFour, 72 * z ** 7, 6480 * z ** 10]
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT_2PI) / divisors[i]!
  q = Math.exp(-PI_SQUARED / 2 / zSquared)
  let k2extra = 0
  let k3extra = 0
  const sqrt3z = SQRT3 * z
  for (let k = maxK; k > 0; k--) {
    const kSquared = k ** 2
    const qPowers = q ** kSquared
    const kPi = Math.PI * k
    k2extra += kSquared * qPowers
    k3extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPowers
  }
  K[2] = K[2]! + k2extra * ((PI_SQUARED * SQRT_2PI) / (-36 * zThree))
  K[3] = K[3]! + k3extra * ((PI_SQUARED * SQRT_2PI) / (216 * zSix))
  let sum = 0
  for (let i = 0; i < 4; i++) sum += K[i]! / Math.pow(n * 1.0, i / 2.0)
  return sum
}
