import type { DayMetrics } from '../../shared/domain/metrics'
import type { Frame } from '../data/frame'
import { withColumn } from '../data/frame'
import { predictTripDurations } from '../model/trip-duration-model'
import { PREDICTION_COLUMN, TARGET_COLUMN } from '../pipeline/course-columns'
import { tripDurationsMinutes } from '../pipeline/trip-durations'
import type { ExplainReference } from './explain-window'
import { explainWindow } from './explain-window'

/**
 * A course day's metrics with its explanation attached (the backfill's hook for issue #13): the day's raw
 * rows get the prediction (nulls as 0) and the duration, as the report service gives them, and are
 * explained against the reference. A day without rows is returned as it is. The explanation's extreme
 * rows are kept to five so the per-day event stays small (the panel asks for the full view on demand).
 */
export function withExplanation(
  metrics: DayMetrics,
  reference: ExplainReference,
  raw: Frame,
): DayMetrics {
  if (raw.rowCount === 0 || reference.spec.model === null) return metrics
  const withPrediction = withColumn(raw, PREDICTION_COLUMN, {
    kind: 'float64',
    values: predictTripDurations(
      { ...reference.spec.model, featureOrder: reference.spec.model.featureOrder },
      raw,
    ),
    valid: null,
  })
  const current = withColumn(withPrediction, TARGET_COLUMN, tripDurationsMinutes(raw))
  const explain = explainWindow(reference, current, metrics.date)
  return { ...metrics, explain: { ...explain, extremeRows: explain.extremeRows.slice(0, 5) } }
}
