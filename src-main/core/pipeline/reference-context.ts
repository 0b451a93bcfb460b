import type { DriftColumnType } from '../../shared/domain/metrics'
import type { Frame } from '../data/frame'
import { getColumn } from '../data/frame'
import { cleanDriftSeries } from '../drift/drift-series'
import type { DriftSeries } from '../drift/stattests/stat-test'
import type { TripDurationModel } from '../model/trip-duration-model'
import { courseDriftMapping, driftTableColumns } from '../reports/column-mapping'

/** A column the daily job checks for drift. */
export interface DriftColumn {
  readonly name: string
  readonly type: DriftColumnType
}

/**
 * The course's drift columns in the order Evidently's DataDriftTable prints them on the course data (answer key
 * `data_drift_preset.json`, every day): the prediction, the numerical features sorted by name, then the
 * categorical features. Derived from {@link driftTableColumns}, the one place that order is defined, so the
 * daily metrics and the reports list columns alike.
 */
const COURSE_DRIFT_COLUMNS: readonly DriftColumn[] = driftTableColumns(courseDriftMapping)

/**
 * What every day is compared with, prepared once: the model and the cleaned reference sample of each
 * drift column. Plain data, so it is sent to worker threads once per run; the stattests cache their
 * per-reference statistics (sorted values, counts) against these very arrays, so a month of days costs
 * little more than the current data.
 */
export interface ReferenceContext {
  readonly model: TripDurationModel
  readonly referenceRows: number
  readonly columns: readonly DriftColumn[]
  readonly referenceSeries: Readonly<Record<string, DriftSeries>>
}

/**
 * Prepares the reference context from the reference frame (which must hold the prediction).
 * @throws {RangeError} when a drift column is missing from the reference.
 */
export function createReferenceContext(
  reference: Frame,
  model: TripDurationModel,
  columns: readonly DriftColumn[] = COURSE_DRIFT_COLUMNS,
): ReferenceContext {
  const referenceSeries: Record<string, DriftSeries> = {}
  for (const { name } of columns)
    referenceSeries[name] = cleanDriftSeries(getColumn(reference, name))
  return { model, referenceRows: reference.rowCount, columns, referenceSeries }
}
