/**
 * Least-squares polynomial coefficients, highest power first, as `numpy.polyfit(x, y, degree)`: the
 * Vandermonde matrix's columns are scaled to unit norm (as numpy does) and the system is solved by
 * Householder QR, which is as accurate as numpy's SVD-based `lstsq` for a full-rank fit.
 *
 * @throws {RangeError} when there are fewer points than coefficients, the lengths differ, or the
 *   points do not determine the fit (repeated x).
 * @see https://numpy.org/doc/stable/reference/generated/numpy.polyfit.html
 * @example leastSquaresPolynomialFit([0, 1, 2], [1, 3, 7], 2) // [1, 1, 1] (x² + x + 1)
 */
export function leastSquaresPolynomialFit(
  x: readonly number[],
  y: readonly number[],
  degree: number,
): number[] {
  const rows = x.length
  const columns = degree + 1
  if (y.length !== rows) throw new RangeError('leastSquaresPolynomialFit: x and y differ in length')
  if (rows < columns)
    throw new RangeError('leastSquaresPolynomialFit: too few points for the degree')
  const matrix = x.map((value) =>
    Array.from({ length: columns }, (_, column) => value ** (degree - column)),
  )
  const scale = Array.from({ length: columns }, (_, column) =>
    Math.sqrt(matrix.reduce((sum, row) => sum + row[column]! ** 2, 0)),
  )
  for (const row of matrix)
    for (let column = 0; column < columns; column++) row[column]! /= scale[column]!
  const rhs = [...y]
  for (let column = 0; column < columns; column++) {
    let norm = 0
    for (let row = column; row < rows; row++) norm += matrix[row]![column]! ** 2
    norm = Math.sqrt(norm)
    if (norm === 0) throw new RangeError('leastSquaresPolynomialFit: the fit is not determined')
    const alpha = matrix[column]![column]! > 0 ? -norm : norm
    const reflector = Array.from({ length: rows }, (_, row) =>
      row < column ? 0 : matrix[row]![column]! - (row === column ? alpha : 0),
    )
    const reflectorNormSquared = reflector.reduce((sum, value) => sum + value * value, 0)
    if (reflectorNormSquared === 0) continue
    for (let other = column; other < columns; other++) {
      let dot = 0
      for (let row = column; row < rows; row++) dot += reflector[row]! * matrix[row]![other]!
      const factor = (2 * dot) / reflectorNormSquared
      for (let row = column; row < rows; row++) matrix[row]![other]! -= factor * reflector[row]!
    }
    let dot = 0
    for (let row = column; row < rows; row++) dot += reflector[row]! * rhs[row]!
    const factor = (2 * dot) / reflectorNormSquared
    for (let row = column; row < rows; row++) rhs[row]! -= factor * reflector[row]!
  }
  const solution = new Array<number>(columns).fill(0)
  for (let column = columns - 1; column >= 0; column--) {
    let sum = rhs[column]!
    for (let other = column + 1; other < columns; other++)
      sum -= matrix[column]![other]! * solution[other]!
    solution[column] = sum / matrix[column]![column]!
  }
  return solution.map((value, column) => value / scale[column]!)
}
