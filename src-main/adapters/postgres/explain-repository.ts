import { COURSE_PROJECT } from '../../core/project/course-project'
import type { ExplainDocument } from '../../shared/domain/explain'
import type { DayProvenance } from '../../services/pipeline/run-store'
import type { Queryable } from './pool'

/** A finite number, or null (PostgreSQL takes NaN, but Grafana and SQL averages should not see it). */
function finiteOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value
}

/**
 * Replaces a window's explanation in `prediction_contributions`, `column_outliers` and
 * `segment_metrics` (migration 0004). Call it in the transaction that stores the window's
 * daily_metrics row, so a window is wholly stored or not at all.
 * @param windowStart the window's start, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`
 */
export async function saveWindowExplain(
  db: Queryable,
  windowStart: string,
  doc: ExplainDocument,
  provenance: Pick<DayProvenance, 'project' | 'source'>,
): Promise<void> {
  const timestamp = windowStart.length === 10 ? `${windowStart} 00:00:00` : windowStart
  const key = [provenance.project ?? COURSE_PROJECT, provenance.source ?? 'batch', timestamp]
  for (const table of ['prediction_contributions', 'column_outliers', 'segment_metrics'])
    await db.query(
      `DELETE FROM ${table} WHERE project = $1 AND source = $2 AND "timestamp" = $3`,
      key,
    )
  const shift = doc.shift
  if (shift !== null) {
    for (const c of shift.contributions)
      await db.query(
        `INSERT INTO prediction_contributions (project, source, "timestamp", feature, contribution,
           coefficient, reference_mean, current_mean, observed_shift, is_estimate)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          ...key,
          c.feature,
          c.contribution,
          c.coefficient,
          c.referenceMean,
          c.currentMean,
          shift.observedShift,
          shift.isEstimate,
        ],
      )
  }
  for (const o of doc.outliers)
    await db.query(
      `INSERT INTO column_outliers (project, source, "timestamp", column_name, outside_fences_share,
         outside_range_share, reference_outside_fences_share, lower_fence, upper_fence, value_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        ...key,
        o.column,
        o.outsideFencesShare,
        o.outsideRangeShare,
        o.referenceOutsideFencesShare,
        o.lowerFence,
        o.upperFence,
        o.values,
      ],
    )
  const segments = doc.segments
  if (segments !== null) {
    for (const s of segments.segments)
      await db.query(
        `INSERT INTO segment_metrics (project, source, "timestamp", segment_column, segment, rows,
           reference_rows, mean_prediction, reference_mean_prediction, prediction_drift, mae, rmse, is_worst)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          ...key,
          segments.column,
          s.segment,
          s.rows,
          s.referenceRows,
          finiteOrNull(s.meanPrediction),
          finiteOrNull(s.referenceMeanPrediction),
          finiteOrNull(s.predictionDrift),
          finiteOrNull(s.mae),
          finiteOrNull(s.rmse),
          segments.worst?.segment === s.segment,
        ],
      )
  }
}
