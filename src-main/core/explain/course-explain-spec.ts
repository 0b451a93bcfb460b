import type { SegmentBy } from '../../shared/domain/explain'
import { COURSE_PROJECT } from '../project/course-project'
import {
  MODEL_FEATURES,
  NUMERICAL_FEATURES,
  PICKUP_COLUMN,
  PREDICTION_COLUMN,
  TARGET_COLUMN,
} from '../pipeline/course-columns'
import type { TripDurationModel } from '../model/trip-duration-model'
import type { ExplainSpec } from './explain-window'

/**
 * The taxi course's explanation: the trained linear model's own coefficients (exact), outliers on the
 * numerical features, the prediction and the duration, and segments by pickup hour unless asked otherwise.
 * Location ids are model inputs (as plain numbers, like the course) but not outlier columns: an id has no
 * fences.
 */
export function courseExplainSpec(
  model: TripDurationModel,
  segment: { column?: string | null; by?: SegmentBy } = {},
): ExplainSpec {
  return {
    project: COURSE_PROJECT,
    predictionColumn: PREDICTION_COLUMN,
    targetColumn: TARGET_COLUMN,
    numericalFeatures: NUMERICAL_FEATURES,
    model,
    showColumns: [PICKUP_COLUMN, ...MODEL_FEATURES, PREDICTION_COLUMN, TARGET_COLUMN],
    segmentColumn: segment.column === undefined ? PICKUP_COLUMN : segment.column,
    ...(segment.by === undefined ? {} : { segmentBy: segment.by }),
  }
}
