export interface SymmetricEigenDecomposition {
  /** Eigenvalues, in no particular order. */
  readonly values: Float64Array
  /** Eigenvectors as columns: vectors[row][column] is component `row` of eigenvector `column`. */
  readonly vectors: Float64Array[]
}

/**
 * Eigenvalues and orthonormal eigenvectors of a small real symmetric matrix by cyclic Jacobi
 * rotations, which are accurate to a few ulps of the largest eigenvalue. For a symmetric positive
 * semi-definite matrix the eigenvalues are its singular values, so this stands in for numpy's SVD in
 * `pinv` and `matrix_rank` on covariance matrices.
 *
 * Assumptions: `matrix` is square and symmetric (only the upper triangle is trusted); small (O(n³) per
 * sweep, up to 100 sweeps).
 *
 * @throws {RangeError} when the matrix is not square.
 * @see https://en.wikipedia.org/wiki/Jacobi_eigenvalue_algorithm
 * @example symmetricEigenDecomposition([[2, 1], [1, 2]]).values // [1, 3] in some order
 */
export function symmetricEigenDecomposition(
  matrix: readonly ArrayLike<number>[],
): SymmetricEigenDecomposition {
  const size = matrix.length
  if (matrix.some((row) => row.length !== size)) {
    throw new RangeError('symmetricEigenDecomposition: the matrix must be square')
  }
  const a = matrix.map((row, i) =>
    Float64Array.from({ length: size }, (_, j) => (j >= i ? row[j]! : matrix[j]![i]!)),
  )
  const vectors = Array.from({ length: size }, (_, i) =>
    Float64Array.from({ length: size }, (_, j) => (i === j ? 1 : 0)),
  )
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) offDiagonal += a[p]![q]! ** 2
    if (offDiagonal === 0) break
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p]![q]!
        if (apq === 0) continue
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < size; k++) {
          const akp = a[k]![p]!
          const akq = a[k]![q]!
          a[k]![p] = c * akp - s * akq
          a[k]![q] = s * akp + c * akq
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p]![k]!
          const aqk = a[q]![k]!
          a[p]![k] = c * apk - s * aqk
          a[q]![k] = s * apk + c * aqk
        }
        for (let k = 0; k < size; k++) {
          const vkp = vectors[k]![p]!
          const vkq = vectors[k]![q]!
          vectors[k]![p] = c * vkp - s * vkq
          vectors[k]![q] = s * vkp + c * vkq
        }
      }
    }
  }
  return { values: Float64Array.from({ length: size }, (_, i) => a[i]![i]!), vectors }
}
