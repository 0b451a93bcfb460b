import type { DriftSeries } from './stat-test'

/**
 * Narrows a series to numbers for a numeric-only stattest.
 *
 * @throws {TypeError} naming the test when the series holds strings.
 * @example requireNumericSeries(Float64Array.of(1, 2), 't_test') // the same Float64Array
 */
export function requireNumericSeries(series: DriftSeries, testName: string): Float64Array {
  if (!(series instanceof Float64Array)) {
    throw new TypeError(`${testName} needs numeric values, but a string series was given`)
  }
  return series
}
