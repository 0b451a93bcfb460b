/**
 * Python's `format(value, '.{precision}g')`, used by Evidently to print numbers in test descriptions
 * ("The drift score for the feature **trip_distance** is 26.") and conditions ("lt=0.3").
 * Significant digits, trailing zeros stripped, exponent form (`2.52e+04`) when the exponent is < −4 or
 * ≥ precision.
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
