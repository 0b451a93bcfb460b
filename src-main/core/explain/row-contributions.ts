import type { RowContribution } from '../../shared/domain/explain'
import type { Frame } from '../data/frame'
import { getNumericColumn, isNullAt } from '../data/frame'
import type { ReferenceFeatureMeans } from './mean-prediction-shift'

/**
 * One row's prediction explained against the reference's average row: for a linear model
 * `ŷ_i − mean_r(ŷ) = Σ β_j (x_ij − mean_r(x_j))` (nulls read as 0, so a missing value contributes
 * `−β_j · mean_r(x_j)`). Contributions are ranked by |value|; `value` is null where the feature was null.
 *
 * @param rows row indexes within `frame` (the rows a user opens)
 * @param predictions the frame's predictions by the same model
 * @throws {RangeError} on a row outside the frame or a missing feature.
 * @example // β = [2], mean_r(x) = 2, a row with x = 5: contribution 6, prediction − mean_r(ŷ) = 6
 */
export function rowContributions(
  reference: ReferenceFeatureMeans,
  frame: Frame,
  rows: readonly number[],
  predictions: ArrayLike<number>,
): RowContribution[] {
  const { model } = reference
  const columns = model.featureOrder.map((name) => getNumericColumn(frame, name))
  return rows.map((row) => {
    if (!Number.isInteger(row) || row < 0 || row >= frame.rowCount)
      throw new RangeError(`Row ${row} is outside the window (0–${frame.rowCount - 1}).`)
    const contributions = model.featureOrder.map((feature, j) => {
      const column = columns[j]!
      const isNull = isNullAt(column, row)
      const x = isNull ? 0 : (column.values[row] as number)
      return {
        feature,
        value: isNull ? null : x,
        contribution: (model.coefficients[j] as number) * (x - (reference.means[j] as number)),
      }
    })
    contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    return { row, prediction: predictions[row] as number, contributions }
  })
}
