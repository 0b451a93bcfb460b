import type { LiveMetricsWindow, ServiceHealthWindow } from '../../shared/domain/live'
import type { DatabasePool, Queryable } from './pool'

/** At most this many windows per table per request: a month of minute windows is 44,640. */
export const MAX_LIVE_WINDOWS = 5000

export interface LiveWindowRange {
  readonly project: string
  /** The replayed month's span (event time), `YYYY-MM-DD 00:00:00`, end exclusive. */
  readonly from: string
  readonly to: string
  /** The session's start (wall time, UTC, ISO) or null. */
  readonly since: string | null
}

interface ServiceHealthRow {
  timestamp: string
  window_end: string
  requests: number
  errors: number
  error_rate: number | null
  latency_p50_ms: number | null
  latency_p95_ms: number | null
  latency_p99_ms: number | null
}

interface LiveMetricsRow {
  timestamp: string
  window_end: string | null
  rows: number
  prediction_drift: number | null
  share_missing_values: number | null
  num_drifted_columns: number | null
  mae: number | null
  rmse: number | null
  labelled_share: number | null
}

/**
 * A session's windows are those of the replayed month (event time: the collector cuts the log by the
 * trips' pickup time) or, with `since`, those that began after the session started (wall time: a
 * service that cuts its health windows by the clock). Both are read, so the view works whichever
 * clock the writer uses. `"timestamp"` is a timestamp without time zone holding UTC.
 */
const IN_SESSION = `("timestamp" >= $2 AND "timestamp" < $3)
  OR ($4::timestamptz IS NOT NULL AND "timestamp" >= ($4::timestamptz AT TIME ZONE 'UTC'))`

/** The newest windows (at most MAX_LIVE_WINDOWS), oldest first. */
export async function listServiceHealthWindows(
  db: Queryable,
  range: LiveWindowRange,
): Promise<ServiceHealthWindow[]> {
  const { rows } = await db.query<ServiceHealthRow>(
    `SELECT * FROM (
       SELECT "timestamp", window_end, requests, errors, error_rate, latency_p50_ms, latency_p95_ms,
              latency_p99_ms
         FROM service_health WHERE project = $1 AND (${IN_SESSION})
        ORDER BY "timestamp" DESC LIMIT ${MAX_LIVE_WINDOWS}) AS newest
     ORDER BY "timestamp"`,
    [range.project, range.from, range.to, range.since],
  )
  return rows.map((row) => ({
    start: utcIso(row.timestamp),
    end: utcIso(row.window_end),
    requests: Number(row.requests),
    errors: Number(row.errors),
    errorRate: numberOrNull(row.error_rate),
    latencyP50Ms: numberOrNull(row.latency_p50_ms),
    latencyP95Ms: numberOrNull(row.latency_p95_ms),
    latencyP99Ms: numberOrNull(row.latency_p99_ms),
  }))
}

/** The collector's windows (daily_metrics, source 'live'), newest MAX_LIVE_WINDOWS, oldest first. */
export async function listLiveMetricsWindows(
  db: Queryable,
  range: LiveWindowRange,
): Promise<LiveMetricsWindow[]> {
  const { rows } = await db.query<LiveMetricsRow>(
    `SELECT * FROM (
       SELECT "timestamp", window_end, rows, prediction_drift, share_missing_values,
              num_drifted_columns, mae, rmse, labelled_share
         FROM daily_metrics WHERE project = $1 AND source = 'live' AND (${IN_SESSION}
           OR ($4::timestamptz IS NOT NULL AND computed_at >= $4::timestamptz))
        ORDER BY "timestamp" DESC LIMIT ${MAX_LIVE_WINDOWS}) AS newest
     ORDER BY "timestamp"`,
    [range.project, range.from, range.to, range.since],
  )
  return rows.map((row) => ({
    start: utcIso(row.timestamp),
    end: row.window_end === null ? null : utcIso(row.window_end),
    rows: Number(row.rows),
    predictionDrift: numberOrNull(row.prediction_drift),
    shareMissingValues: numberOrNull(row.share_missing_values),
    numDriftedColumns: numberOrNull(row.num_drifted_columns),
    mae: numberOrNull(row.mae),
    rmse: numberOrNull(row.rmse),
    labelledShare: numberOrNull(row.labelled_share),
  }))
}

/** PostgreSQL's numeric type ids: what a Grafana query's value column may be. */
const NUMERIC_TYPE_IDS = new Set([20, 21, 23, 700, 701, 1700])

/**
 * Runs an alert rule's SQL (from the app's own provisioning file) in a read-only transaction with a
 * statement timeout, and returns the first numeric column of each row, as Grafana reads a table-format
 * query's value. Nulls are skipped.
 */
/**
 * Runs an alert rule's SQL read-only and returns the first numeric column, one number per row. A rule
 * that returns a `project` column is multi-dimensional (one Grafana alert instance per project): only
 * the rows of `project` are kept, so another project's numbers never move this one's state.
 */
export async function runAlertQuery(
  pool: DatabasePool,
  sql: string,
  project: string,
): Promise<number[]> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN READ ONLY')
    await client.query(`SET LOCAL statement_timeout = 5000`)
    const result = await client.query(sql)
    await client.query('ROLLBACK')
    const field = result.fields.find((candidate) => NUMERIC_TYPE_IDS.has(candidate.dataTypeID))
    if (field === undefined) return []
    const perProject = result.fields.some((candidate) => candidate.name === 'project')
    return result.rows
      .filter((row: Record<string, unknown>) => !perProject || row.project === project)
      .map((row: Record<string, unknown>) => row[field.name])
      .filter((value) => value !== null && value !== undefined)
      .map(Number)
      .filter(Number.isFinite)
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}

/** `2022-03-01 10:00:00` (UTC, no zone) → `2022-03-01T10:00:00.000Z`. */
function utcIso(timestamp: string): string {
  return new Date(`${timestamp.replace(' ', 'T')}Z`).toISOString()
}
