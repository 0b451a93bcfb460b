import type { ColumnDriftResult } from '../../shared/domain/metrics'

/** Evidently's `DatasetDriftMetricResults`. */
export interface DatasetDrift {
  readonly drift_share: number
  readonly number_of_columns: number
  readonly number_of_drifted_columns: number
  readonly share_of_drifted_columns: number
  readonly dataset_drift: boolean
}

/** Evidently's default `drift_share` for DatasetDriftMetric and DataDriftPreset. */
export const DEFAULT_DRIFT_SHARE = 0.5

/**
 * Evidently's `get_dataset_drift`: the number and share of drifted columns, and whether the dataset drifts
 * (`share >= drift_share`, inclusive). A column whose drift could not be computed counts as a column but
 * not as drifted.
 * @throws {RangeError} on a drift share outside [0, 1].
 * @example 6 drifted of 7 columns → { share_of_drifted_columns: 0.857…, dataset_drift: true }
 */
export function computeDatasetDrift(
  columns: readonly ColumnDriftResult[],
  driftShare: number = DEFAULT_DRIFT_SHARE,
): DatasetDrift {
  if (!(driftShare >= 0 && driftShare <= 1)) {
    throw new RangeError(`drift_share must be between 0 and 1; got ${driftShare}.`)
  }
  const drifted = columns.filter((c) => c.driftDetected === true).length
  const share = columns.length === 0 ? 0 : drifted / columns.length
  return {
    drift_share: driftShare,
    number_of_columns: columns.length,
    number_of_drifted_columns: drifted,
    share_of_drifted_columns: share,
    dataset_drift: share >= driftShare,
  }
}
