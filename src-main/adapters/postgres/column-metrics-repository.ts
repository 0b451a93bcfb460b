import type { WindowMetricValue } from '../../core/quality/window-column-metric'
import type { MetricsSource } from '../../services/pipeline/run-store'
import { windowTimestamp } from './metrics-repository'
import type { Queryable } from './pool'

/** A stored extra metric of one window (a `column_metrics` row). */
export interface StoredColumnMetric extends WindowMetricValue {
  /** The window's key: `YYYY-MM-DD`, or its ISO start for windows that do not start at midnight. */
  readonly window: string
}

/**
 * Replaces one window's extra column metrics (`column_metrics`, migration 0003). Call it in the transaction
 * that stores the window's daily_metrics row, so a window is stored whole or not at all. A quantile's q is
 * the row's `parameter`; other metrics store NaN there (the primary key needs a value).
 */
export async function saveColumnMetrics(
  db: Queryable,
  key: { readonly project: string; readonly source: MetricsSource; readonly window: string },
  values: readonly WindowMetricValue[],
  /** 'window' (default): the window's metrics are exactly `values`; 'listed': only these are replaced. */
  replace: 'window' | 'listed' = 'window',
): Promise<void> {
  const timestamp = windowTimestamp(key.window)
  if (replace === 'window')
    await db.query(
      'DELETE FROM column_metrics WHERE project = $1 AND source = $2 AND "timestamp" = $3',
      [key.project, key.source, timestamp],
    )
  if (values.length === 0) return
  await db.query(
    `INSERT INTO column_metrics (project, source, "timestamp", column_name, metric, parameter, value, error)
     SELECT $1, $2, $3::timestamp, * FROM unnest($4::text[], $5::text[], $6::double precision[],
       $7::double precision[], $8::text[])
     ON CONFLICT (project, source, "timestamp", column_name, metric, parameter) DO UPDATE
       SET value = EXCLUDED.value, error = EXCLUDED.error`,
    [
      key.project,
      key.source,
      timestamp,
      values.map((v) => v.column),
      values.map((v) => v.metric),
      // pg sends NaN as the text 'NaN', which double precision accepts.
      values.map((v) => v.parameter),
      values.map((v) => (v.value === null || Number.isNaN(v.value) ? null : v.value)),
      values.map((v) => v.error ?? null),
    ],
  )
}

interface ColumnMetricRow {
  timestamp: string
  column_name: string
  metric: WindowMetricValue['metric']
  parameter: number | string
  value: number | null
  error: string | null
}

/**
 * A project's stored extra metrics in `[from, to)` (`YYYY-MM-DD` or ISO), window order, optionally only one
 * column/metric/parameter.
 */
export async function listColumnMetrics(
  db: Queryable,
  query: {
    readonly project: string
    readonly source?: MetricsSource
    readonly from: string
    readonly to: string
    readonly column?: string
    readonly metric?: WindowMetricValue['metric']
    readonly parameter?: number
  },
): Promise<StoredColumnMetric[]> {
  const { rows } = await db.query<ColumnMetricRow>(
    `SELECT "timestamp", column_name, metric, parameter, value, error FROM column_metrics
      WHERE project = $1 AND source = $2 AND "timestamp" >= $3 AND "timestamp" < $4
        AND ($5::text IS NULL OR column_name = $5) AND ($6::text IS NULL OR metric = $6)
        AND ($7::double precision IS NULL OR parameter = $7)
      ORDER BY "timestamp", column_name, metric, parameter`,
    [
      query.project,
      query.source ?? 'batch',
      windowTimestamp(query.from),
      windowTimestamp(query.to),
      query.column ?? null,
      query.metric ?? null,
      query.parameter ?? null,
    ],
  )
  return rows.map((row) => {
    const time = row.timestamp.slice(11, 19)
    return {
      window:
        time === '' || time === '00:00:00'
          ? row.timestamp.slice(0, 10)
          : `${row.timestamp.slice(0, 10)}T${time}`,
      column: row.column_name,
      metric: row.metric,
      parameter: Number(row.parameter),
      value: row.value === null ? null : Number(row.value),
      ...(row.error === null ? {} : { error: row.error }),
    }
  })
}
