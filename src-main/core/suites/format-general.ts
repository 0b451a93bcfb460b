/**
 * Python's `format(value, '.{precision}g')`, used by Evidently to print numbers in test descriptions
 * ("The drift score for the feature **trip_distance** is 26.") and conditions ("lt=0.3").
 * Significant digits, trailing zeros stripped, exponent form (`2.52e+04`) when the exponent is < −4 or
 * ≥ precision. Rounding is of the exact binary value, exact ties half to even as Python's (`12.25` → `12.2`;
 * JavaScript's `toFixed` would give `12.3`).
 * @example formatGeneral(12.25, 3) // '12.2'
 * @example formatGeneral(26.00554, 3) // '26'
 * @example formatGeneral(0.857142, 3) // '0.857'
 * @example formatGeneral(25211, 3) // '2.52e+04'
 */
export function formatGeneral(value: number, precision = 3): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Infinity) return 'inf'
  if (value === -Infinity) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const digits = Math.max(1, precision)
  // JS breaks exact decimal ties upward, Python to even: step one ulp toward zero when Python would round down.
  const [, trueExponent = '0'] = value.toExponential().split('e')
  if (isTieWithEvenFloor(value, digits - 1 - Number(trueExponent))) value = nextTowardZero(value)
  const exponential = value.toExponential(digits - 1)
  const [mantissa = '', exponentText = '0'] = exponential.split('e')
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= digits) {
    const sign = exponent < 0 ? '-' : '+'
    const magnitude = String(Math.abs(exponent)).padStart(2, '0')
    return `${stripZeros(mantissa)}e${sign}${magnitude}`
  }
  return stripZeros(value.toFixed(Math.max(0, digits - 1 - exponent)))
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text
  return text.replace(/0+$/, '').replace(/\.$/, '')
}

/**
 * Whether |value|·10^decimals lies exactly halfway between two integers and the lower one is even: the one
 * case where Python's half-to-even and JavaScript's half-up rounding differ. Exact, with BigInt.
 */
function isTieWithEvenFloor(value: number, decimals: number): boolean {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Math.abs(value))
  const bits = view.getBigUint64(0)
  const biased = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & ((1n << 52n) - 1n)
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n)
  const binaryExponent = (biased === 0 ? 1 : biased) - 1075
  let numerator = mantissa
  let denominator = 1n
  if (binaryExponent >= 0) numerator <<= BigInt(binaryExponent)
  else denominator <<= BigInt(-binaryExponent)
  if (decimals >= 0) numerator *= 10n ** BigInt(decimals)
  else denominator *= 10n ** BigInt(-decimals)
  const twice = 2n * numerator
  if (twice % denominator !== 0n) return false
  const doubled = twice / denominator
  return doubled % 2n === 1n && ((doubled - 1n) / 2n) % 2n === 0n
}

/** The adjacent double one step closer to zero (value finite and non-zero). */
function nextTowardZero(value: number): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  view.setBigUint64(0, view.getBigUint64(0) - 1n)
  return view.getFloat64(0)
}
