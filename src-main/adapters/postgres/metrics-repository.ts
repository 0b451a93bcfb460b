import type { ColumnDriftResult, DayMetrics, DriftColumnType } from '../../shared/domain/metrics'
import type { DayProvenance, MetricsSource, StoredDay } from '../../services/pipeline/run-store'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { Queryable } from './pool'

/** A stored day as the run store knows it, and when it was computed. */
export interface StoredDayMetrics extends StoredDay {
  readonly computedAt: string
}

/**
 * The per-day tables (`daily_metrics`, `column_drift`, `column_missing`), keyed by project and day.
 * `saveDayMetrics` replaces a day: call it inside the transaction that also records the day's task
 * state, so a day is either wholly stored or not at all. The project defaults to the course's.
 */
export async function saveDayMetrics(
  db: Queryable,
  day: DayMetrics,
  provenance: DayProvenance,
): Promise<void> {
  const timestamp = windowTimestamp(day.date)
  const project = provenance.project ?? COURSE_PROJECT
  const source = provenance.source ?? 'batch'
  const key = [project, source, timestamp]
  await db.query(
    'DELETE FROM column_drift WHERE project = $1 AND source = $2 AND "timestamp" = $3',
    key,
  )
  await db.query(
    'DELETE FROM column_missing WHERE project = $1 AND source = $2 AND "timestamp" = $3',
    key,
  )
  await db.query(
    `INSERT INTO daily_metrics ("timestamp", rows, prediction_drift, num_drifted_columns,
       share_missing_values, share_of_drifted_columns, dataset_drift, mae, rmse, error,
       reference_month, run_id, inputs_fingerprint, computed_at, project, source,
       estimated_mae, estimated_mae_lower, estimated_mae_upper, prediction_drift_detected, window_end)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), $14, $15, $16, $17, $18,
       $19, $20)
     ON CONFLICT (project, source, "timestamp") DO UPDATE SET rows = EXCLUDED.rows,
       prediction_drift = EXCLUDED.prediction_drift, num_drifted_columns = EXCLUDED.num_drifted_columns,
       share_missing_values = EXCLUDED.share_missing_values,
       share_of_drifted_columns = EXCLUDED.share_of_drifted_columns, dataset_drift = EXCLUDED.dataset_drift,
       mae = EXCLUDED.mae, rmse = EXCLUDED.rmse, error = EXCLUDED.error,
       reference_month = EXCLUDED.reference_month, run_id = EXCLUDED.run_id,
       inputs_fingerprint = EXCLUDED.inputs_fingerprint, computed_at = now(),
       estimated_mae = EXCLUDED.estimated_mae, estimated_mae_lower = EXCLUDED.estimated_mae_lower,
       estimated_mae_upper = EXCLUDED.estimated_mae_upper,
       prediction_drift_detected = EXCLUDED.prediction_drift_detected,
       window_end = EXCLUDED.window_end`,
    [
      timestamp,
      day.rows,
      numberOrNullIfNaN(day.predictionDrift),
      day.numDriftedColumns,
      numberOrNullIfNaN(day.shareMissingValues),
      numberOrNullIfNaN(day.shareOfDriftedColumns),
      day.datasetDrift,
      numberOrNullIfNaN(day.mae),
      numberOrNullIfNaN(day.rmse),
      day.error ?? null,
      provenance.referenceMonth,
      provenance.runId,
      provenance.inputsFingerprint,
      project,
      source,
      numberOrNullIfNaN(day.estimatedMae ?? null),
      numberOrNullIfNaN(day.estimatedMaeLower ?? null),
      numberOrNullIfNaN(day.estimatedMaeUpper ?? null),
      day.predictionDriftDetected ?? null,
      provenance.windowEnd === undefined || provenance.windowEnd === null
        ? null
        : windowTimestamp(provenance.windowEnd),
    ],
  )
  if (day.columns.length > 0) {
    // One statement per table (unnest of arrays) rather than one per row: fewer round trips.
    await db.query(
      `INSERT INTO column_drift (project, source, "timestamp", column_name, column_type, stattest,
         stattest_name, threshold, drift_score, drift_detected, error, position)
       SELECT $11, $12, $1::timestamp, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],
         $6::double precision[], $7::double precision[], $8::boolean[], $9::text[], $10::integer[])`,
      [
        timestamp,
        day.columns.map((c) => c.column),
        day.columns.map((c) => c.columnType),
        day.columns.map((c) => c.stattest),
        day.columns.map((c) => c.stattestName),
        day.columns.map((c) => numberOrNullIfNaN(c.threshold)),
        day.columns.map((c) => numberOrNullIfNaN(c.driftScore)),
        day.columns.map((c) => c.driftDetected),
        day.columns.map((c) => c.error ?? null),
        day.columns.map((_, index) => index),
        project,
        source,
      ],
    )
  }
  const missing = Object.entries(day.missingByColumn)
  if (missing.length > 0) {
    await db.query(
      `INSERT INTO column_missing (project, source, "timestamp", column_name, missing_count, missing_share,
         position)
       SELECT $6, $7, $1::timestamp, * FROM unnest($2::text[], $3::integer[], $4::double precision[],
         $5::integer[])`,
      [
        timestamp,
        missing.map(([name]) => name),
        missing.map(([, count]) => count),
        missing.map(([, count]) => (day.rows > 0 ? count / day.rows : null)),
        missing.map((_, index) => index),
        project,
        source,
      ],
    )
  }
}

interface DailyRow {
  timestamp: string
  rows: number
  prediction_drift: number | null
  prediction_drift_detected: boolean | null
  num_drifted_columns: number | null
  share_missing_values: number | null
  share_of_drifted_columns: number | null
  dataset_drift: boolean | null
  mae: number | null
  rmse: number | null
  error: string | null
  reference_month: string | null
  run_id: string | null
  inputs_fingerprint: string | null
  computed_at: Date
  estimated_mae: number | null
  estimated_mae_lower: number | null
  estimated_mae_upper: number | null
  project: string
  source: MetricsSource
}

interface ColumnDriftRow {
  timestamp: string
  column_name: string
  column_type: string
  stattest: string
  stattest_name: string
  threshold: number | null
  drift_score: number | null
  drift_detected: boolean | null
  error: string | null
}

interface ColumnMissingRow {
  timestamp: string
  column_name: string
  missing_count: number | null
}

/**
 * A project's stored days of one source (batch backfills by default) in `[fromDate, toDate)` (`YYYY-MM-DD`), in date order, with their per-column
 * rows.
 */
export async function listDayMetrics(
  db: Queryable,
  fromDate: string,
  toDate: string,
  project: string = COURSE_PROJECT,
  source: MetricsSource = 'batch',
): Promise<StoredDayMetrics[]> {
  const range = [windowTimestamp(fromDate), windowTimestamp(toDate), project, source]
  const [daily, drift, missing] = await Promise.all([
    db.query<DailyRow>(
      `SELECT * FROM daily_metrics WHERE "timestamp" >= $1 AND "timestamp" < $2 AND project = $3
         AND source = $4 ORDER BY "timestamp"`,
      range,
    ),
    db.query<ColumnDriftRow>(
      `SELECT * FROM column_drift WHERE "timestamp" >= $1 AND "timestamp" < $2 AND project = $3
         AND source = $4 ORDER BY "timestamp", position, column_name`,
      range,
    ),
    db.query<ColumnMissingRow>(
      `SELECT "timestamp", column_name, missing_count FROM column_missing
       WHERE "timestamp" >= $1 AND "timestamp" < $2 AND project = $3
         AND source = $4 ORDER BY "timestamp", position, column_name`,
      range,
    ),
  ])
  const columnsByDay = groupBy(drift.rows, (row) => dateOf(row.timestamp))
  const missingByDay = groupBy(missing.rows, (row) => dateOf(row.timestamp))
  return daily.rows.map((row) => {
    const date = dateOf(row.timestamp)
    // Keyed by column names from the data: no prototype, so a column named '__proto__' is a key.
    const missingByColumn: Record<string, number> = Object.create(null) as Record<string, number>
    for (const m of missingByDay.get(date) ?? [])
      missingByColumn[m.column_name] = Number(m.missing_count ?? 0)
    const metrics: DayMetrics = {
      date,
      rows: Number(row.rows),
      predictionDrift: numberOrNull(row.prediction_drift),
      // Optional field: absent (not null) when unknown, so a day saved without it reads back equal.
      ...(row.prediction_drift_detected === null
        ? {}
        : { predictionDriftDetected: row.prediction_drift_detected }),
      numDriftedColumns: numberOrNull(row.num_drifted_columns),
      shareOfDriftedColumns: numberOrNull(row.share_of_drifted_columns),
      datasetDrift: row.dataset_drift,
      shareMissingValues: numberOrNull(row.share_missing_values),
      missingByColumn,
      mae: numberOrNull(row.mae),
      rmse: numberOrNull(row.rmse),
      columns: (columnsByDay.get(date) ?? []).map(toColumnDriftResult),
      // Only days computed with an estimator carry the fields, as computed days do.
      ...(row.estimated_mae === null
        ? {}
        : {
            estimatedMae: numberOrNull(row.estimated_mae),
            estimatedMaeLower: numberOrNull(row.estimated_mae_lower),
            estimatedMaeUpper: numberOrNull(row.estimated_mae_upper),
          }),
      ...(row.error === null ? {} : { error: row.error }),
    }
    return {
      metrics,
      referenceMonth: row.reference_month,
      runId: row.run_id,
      inputsFingerprint: row.inputs_fingerprint,
      project: row.project,
      source: row.source,
      computedAt: row.computed_at.toISOString(),
    }
  })
}

function toColumnDriftResult(row: ColumnDriftRow): ColumnDriftResult {
  return {
    column: row.column_name,
    columnType: row.column_type as DriftColumnType,
    stattest: row.stattest,
    stattestName: row.stattest_name,
    threshold: Number(row.threshold),
    driftScore: numberOrNull(row.drift_score),
    driftDetected: row.drift_detected,
    ...(row.error === null ? {} : { error: row.error }),
  }
}

/**
 * A window's key as `DayMetrics.date` holds it: `timestamp` columns are parsed as text by our pool
 * (`2022-02-01 00:00:00`); a window starting at midnight (a course day, a day or longer window) is its date,
 * any other (hourly windows) its ISO start `2024-01-01T05:00:00`.
 */
function dateOf(timestamp: string): string {
  const time = timestamp.slice(11, 19)
  return time === '' || time === '00:00:00'
    ? timestamp.slice(0, 10)
    : `${timestamp.slice(0, 10)}T${time}`
}

/** The stored `timestamp` of a window key: `YYYY-MM-DD` is midnight; an ISO start keeps its time. */
export function windowTimestamp(key: string): string {
  return key.length <= 10 ? `${key} 00:00:00` : key.replace('T', ' ')
}

/** pg returns float8/int4 as numbers already; bigint/numeric would be strings, so parse deliberately. */
function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value)
}

/** NaN has no place in a metric column (it means "not computed"); ±Infinity is kept, PostgreSQL has it. */
function numberOrNullIfNaN(value: number | null): number | null {
  return value === null || Number.isNaN(value) ? null : value
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = groups.get(k)
    if (list === undefined) groups.set(k, [row])
    else list.push(row)
  }
  return groups
}
