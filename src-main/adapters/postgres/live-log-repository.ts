import { createHash } from 'node:crypto'
import type { WindowMetricValue } from '../../core/quality/window-column-metric'
import type { DayMetrics } from '../../shared/domain/metrics'
import type { DayProvenance, TaskStateUpdate } from '../../services/pipeline/run-store'
import { saveColumnMetrics } from './column-metrics-repository'
import { saveDayMetrics, windowTimestamp } from './metrics-repository'
import type { DatabasePool, Queryable } from './pool'
import { withTransaction } from './pool'
import { saveTaskRun } from './task-run-repository'

/**
 * The prediction log as the live collector reads it (issue #12): by project and event time, through
 * the `(project, event_time)` index, in keyset pages so a window's rows stream in and the log is never
 * held in memory; and the live windows it stores.
 */

/** One logged prediction of a window: the record as received and the answer the service gave. */
export interface LoggedWindowRow {
  readonly record: Readonly<Record<string, unknown>>
  readonly prediction: number
  readonly requestId: string
  /** `YYYY-MM-DD HH:MM:SS[.ffffff]` (naive). */
  readonly eventTime: string
}

/**
 * Only the rows whose record holds the project's event-time field as text: a row logged without it got
 * its receive time as event time from the service, but is in no window of the project's event time (as
 * the backfill keeps a row without a timestamp out of every window). Null: every row (nyc-taxi's stamped
 * pickups, or a project without a window column, windowed by receive time).
 */
function eventTimeFieldFilter(field: string | null | undefined, parameter: number): string {
  return field === null || field === undefined
    ? ''
    : `AND jsonb_typeof(record->$${parameter}) = 'string'`
}

/** How many rows of the log hold each window, from `since` on. */
export interface WindowCount {
  /** Window start, epoch microseconds (naive timestamps read as UTC). */
  readonly startMicros: number
  readonly rows: number
}

/**
 * Gives an event time to the project's rows logged without one, from the record's `field` (the
 * project's datetime column; the pickup time for the taxi project). A service that sets event_time
 * itself leaves nothing to do here. Rows whose field is absent or null keep none: no window holds them.
 * @returns how many rows were stamped.
 */
export async function stampEventTimes(
  db: Queryable,
  project: string,
  field: string,
): Promise<number> {
  const result = await db.query(
    `UPDATE prediction_log SET event_time = (record->>$2)::timestamp
      WHERE project = $1 AND event_time IS NULL AND jsonb_typeof(record->$2) = 'string'`,
    [project, field],
  )
  return result.rowCount ?? 0
}

/** The log's event-time watermark: the latest event time logged for the project (µs), or null. */
export async function eventTimeWatermark(
  db: Queryable,
  project: string,
  eventTimeField: string | null = null,
): Promise<number | null> {
  const { rows } = await db.query<{ micros: string | null }>(
    `SELECT (extract(epoch FROM max(event_time)) * 1000000)::bigint::text AS micros
       FROM prediction_log WHERE project = $1 ${eventTimeFieldFilter(eventTimeField, 2)}`,
    eventTimeField === null ? [project] : [project, eventTimeField],
  )
  const micros = rows[0]?.micros ?? null
  return micros === null ? null : Number(micros)
}

/**
 * Row counts per window of `lengthMicros` (aligned on the epoch, as `core/data/windows.ts` aligns
 * durations; weeks on Mondays), for windows starting at or after `sinceMicros`, in time order.
 */
export async function countRowsPerWindow(
  db: Queryable,
  project: string,
  lengthMicros: number,
  originMicros: number,
  sinceMicros: number,
  eventTimeField: string | null = null,
): Promise<WindowCount[]> {
  const params: unknown[] = [project, lengthMicros, originMicros, timestampText(sinceMicros)]
  if (eventTimeField !== null) params.push(eventTimeField)
  const { rows } = await db.query<{ start_micros: string; rows: number }>(
    `SELECT (floor((extract(epoch FROM event_time) * 1000000 - $3) / $2) * $2 + $3)::bigint::text
              AS start_micros, count(*)::int AS rows
       FROM prediction_log
      WHERE project = $1 AND event_time >= $4::timestamp ${eventTimeFieldFilter(eventTimeField, 5)}
      GROUP BY 1 ORDER BY 1`,
    params,
  )
  return rows.map((row) => ({ startMicros: Number(row.start_micros), rows: row.rows }))
}

/**
 * Streams the rows of `[startMicros, endMicros)` in `(event_time, request_id)` order, `pageRows` at a
 * time (keyset pagination: each page is one short indexed query, so no cursor holds a connection or a
 * snapshot open between pages).
 */
export async function* readWindowRows(
  db: Queryable,
  project: string,
  startMicros: number,
  endMicros: number,
  eventTimeField: string | null = null,
  pageRows = 5_000,
): AsyncGenerator<LoggedWindowRow[]> {
  let after: { eventTime: string; requestId: string } | null = null
  for (;;) {
    const params: unknown[] = [
      project,
      timestampText(startMicros),
      timestampText(endMicros),
      pageRows,
    ]
    let keyset = ''
    if (after !== null) {
      params.push(after.eventTime, after.requestId)
      keyset = `AND (event_time, request_id) > ($${params.length - 1}::timestamp, $${params.length}::uuid)`
    }
    let fieldFilter = ''
    if (eventTimeField !== null) {
      params.push(eventTimeField)
      fieldFilter = eventTimeFieldFilter(eventTimeField, params.length)
    }
    const { rows } = await db.query<{
      event_time: string
      request_id: string
      record: Record<string, unknown>
      prediction: number
    }>(
      `SELECT event_time::text AS event_time, request_id, record, prediction FROM prediction_log
        WHERE project = $1
          AND event_time >= $2::timestamp AND event_time < $3::timestamp
          ${keyset} ${fieldFilter}
        ORDER BY event_time, request_id LIMIT $4`,
      params,
    )
    if (rows.length === 0) return
    yield rows.map((row) => ({
      record: row.record,
      prediction: row.prediction,
      requestId: row.request_id,
      eventTime: row.event_time,
    }))
    if (rows.length < pageRows) return
    const last = rows[rows.length - 1]!
    after = { eventTime: last.event_time, requestId: last.request_id }
  }
}

/** A stored live window: when it starts, and whether it was computed before it closed. */
export interface StoredLiveWindow {
  readonly startMicros: number
  /** Its exclusive end (null for a window stored before window_end existed). */
  readonly endMicros: number | null
  readonly rows: number
  readonly provisional: boolean
  /** Its metrics failed (stored with the error): a later collector computes it again. */
  readonly failed: boolean
  /**
   * What it was computed from (the collector's fingerprint of the reference, definition, extra metrics,
   * engine, window and lateness): a collector with other inputs computes it again. Null when it failed.
   */
  readonly inputsFingerprint: string | null
}

/** The project's stored live windows, in time order. */
export async function listStoredLiveWindows(
  db: Queryable,
  project: string,
): Promise<StoredLiveWindow[]> {
  const { rows } = await db.query<{
    start_micros: string
    end_micros: string | null
    rows: number
    provisional: boolean
    failed: boolean
    inputs_fingerprint: string | null
  }>(
    `SELECT (extract(epoch FROM "timestamp") * 1000000)::bigint::text AS start_micros,
            (extract(epoch FROM window_end) * 1000000)::bigint::text AS end_micros, rows, provisional,
            (inputs_fingerprint IS NULL AND error IS NOT NULL) AS failed, inputs_fingerprint
       FROM daily_metrics WHERE project = $1 AND source = 'live' ORDER BY "timestamp"`,
    [project],
  )
  return rows.map((row) => ({
    startMicros: Number(row.start_micros),
    endMicros: row.end_micros === null ? null : Number(row.end_micros),
    rows: row.rows,
    provisional: row.provisional,
    failed: row.failed,
    inputsFingerprint: row.inputs_fingerprint,
  }))
}

/**
 * Stores one live window and its task's Completed state in ONE transaction, so after a crash a window
 * is either wholly stored with its task or not at all (and the next collector computes it).
 */
export async function saveLiveWindow(
  pool: DatabasePool,
  window: {
    /**
     * Its metrics, `date` being the window's key (its start day, or its ISO start when it does not
     * start at midnight, as the backfill keys windows); mae/rmse are left to the labels.
     */
    readonly metrics: DayMetrics
    /** The window's exclusive end, `YYYY-MM-DD HH:MM:SS`. */
    readonly endTimestamp: string
    readonly provisional: boolean
    /** The project's extra metrics (column_metrics), replaced with the window; absent: untouched. */
    readonly columnMetrics?: readonly WindowMetricValue[]
  },
  provenance: DayProvenance & { readonly project: string },
  task: TaskStateUpdate,
): Promise<void> {
  await withTransaction(pool, async (client) => {
    await saveDayMetrics(
      client,
      { ...window.metrics, mae: null, rmse: null },
      { ...provenance, source: 'live' },
    )
    if (window.columnMetrics !== undefined)
      await saveColumnMetrics(
        client,
        { project: provenance.project, source: 'live', window: window.metrics.date },
        window.columnMetrics,
      )
    // Label metrics come from feedback (updateLabelMetrics, right after), not from the record's times.
    await client.query(
      `UPDATE daily_metrics SET window_end = $3::timestamp, provisional = $4, labelled_rows = 0,
              labelled_share = 0
        WHERE project = $1 AND source = 'live' AND "timestamp" = $2::timestamp`,
      [
        provenance.project,
        windowTimestamp(window.metrics.date),
        window.endTimestamp,
        window.provisional,
      ],
    )
    await saveTaskRun(client, task)
  })
}

/** What a window's feedback gives: how many rows are labelled, and the errors over them. */
export interface WindowLabels {
  readonly startTimestamp: string
  readonly labelledRows: number
  readonly mae: number | null
  readonly rmse: number | null
}

/**
 * Delayed labels: for every stored live window of the project, MAE and RMSE of the logged prediction
 * against the feedback received so far, and the labelled rows and share; updates only those four
 * columns, and only on windows where they changed (late feedback for a closed window updates it).
 * The feedback's numeric actual (`duration_min`: the taxi's minutes, or any numeric target's value,
 * migration 0006) is the target. Options: `eventTimeField` counts only the rows the collector windows
 * (see {@link eventTimeFieldFilter}); `regression: false` (a classifier) stores the labelled share only,
 * MAE and RMSE null, as the backfill does for a classification mapping.
 * @returns the windows whose label metrics changed.
 */
export async function updateLabelMetrics(
  db: Queryable,
  project: string,
  options: { readonly eventTimeField?: string | null; readonly regression?: boolean } = {},
): Promise<WindowLabels[]> {
  const field = options.eventTimeField ?? null
  const errors =
    options.regression === false
      ? 'NULL::float8 AS mae, NULL::float8 AS rmse'
      : `avg(abs(l.prediction - f.duration_min)) AS mae,
              sqrt(avg((l.prediction - f.duration_min) ^ 2)) AS rmse`
  const { rows } = await db.query<{
    start_timestamp: string
    labelled_rows: number
    mae: number | null
    rmse: number | null
  }>(
    `WITH windows AS (
       SELECT "timestamp", window_end FROM daily_metrics
        WHERE project = $1 AND source = 'live' AND window_end IS NOT NULL),
     labels AS (
       SELECT w."timestamp", count(*)::int AS n, ${errors}
         FROM windows w
         JOIN prediction_log l
           ON l.project = $1 AND l.event_time >= w."timestamp" AND l.event_time < w.window_end
              ${field === null ? '' : `AND jsonb_typeof(l.record->$2) = 'string'`}
         JOIN prediction_feedback f ON f.request_id = l.request_id
        GROUP BY w."timestamp")
     UPDATE daily_metrics d
        SET labelled_rows = coalesce(x.n, 0),
            labelled_share = CASE WHEN d.rows > 0 THEN coalesce(x.n, 0)::float8 / d.rows END,
            mae = x.mae, rmse = x.rmse
       FROM windows w LEFT JOIN labels x ON x."timestamp" = w."timestamp"
      WHERE d.project = $1 AND d.source = 'live' AND d."timestamp" = w."timestamp"
        AND (d.labelled_rows IS DISTINCT FROM coalesce(x.n, 0)
             OR d.mae IS DISTINCT FROM x.mae OR d.rmse IS DISTINCT FROM x.rmse)
      RETURNING d."timestamp"::text AS start_timestamp, d.labelled_rows, d.mae, d.rmse`,
    field === null ? [project] : [project, field],
  )
  return rows.map((row) => ({
    startTimestamp: row.start_timestamp,
    labelledRows: row.labelled_rows,
    mae: row.mae,
    rmse: row.rmse,
  }))
}

/** A held collector lock (see {@link tryLockCollector}). */
export interface CollectorLock {
  release(): Promise<void>
}

/**
 * One collector per project across every process on the database: a session-level advisory lock on a
 * dedicated connection, released by PostgreSQL if the process dies (so a SIGKILLed collector never
 * leaves the project locked). Never waits. @returns the lock, or null when another session holds it.
 */
export async function tryLockCollector(
  pool: DatabasePool,
  project: string,
): Promise<CollectorLock | null> {
  const key = createHash('sha256')
    .update(`driftdesk:collect:${project}`)
    .digest()
    .readBigInt64BE(0)
    .toString()
  const client = await pool.connect()
  let broken: Error | null = null
  const onError = (error: Error): void => {
    broken = error // PostgreSQL dropped the lock with the session
  }
  client.on('error', onError)
  const drop = (): void => {
    client.off('error', onError)
    client.release(broken ?? undefined)
  }
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [key],
    )
    if (rows[0]?.locked !== true) {
      drop()
      return null
    }
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error))
    drop()
    throw error
  }
  let released = false
  return {
    async release() {
      if (released) return
      released = true
      try {
        if (broken === null) await client.query('SELECT pg_advisory_unlock($1::bigint)', [key])
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error))
      }
      drop()
    },
  }
}

/**
 * A cheap summary of the feedback table that changes with every feedback written: the row count, the sum
 * of `revisions` (each insert adds a row with 1, each replacement adds 1) and the latest arrival. Count and
 * latest arrival alone miss a replacement whose transaction began before, and committed after, a newer
 * insert (two group-commit statements in flight): its `received_at` is its transaction's start, older than
 * the insert's, and the count does not move; the sum of revisions does.
 */
export async function feedbackVersion(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ version: string }>(
    `SELECT count(*)::text || '/' || coalesce(sum(revisions), 0)::text || '/'
            || coalesce(max(received_at)::text, '') AS version
       FROM prediction_feedback`,
  )
  return rows[0]?.version ?? ''
}

/** The model version of the project's latest logged prediction (e.g. `2022-01-3f9a0c12d4e5`), or null. */
export async function latestModelVersion(db: Queryable, project: string): Promise<string | null> {
  const { rows } = await db.query<{ model_version: string }>(
    `SELECT model_version FROM prediction_log WHERE project = $1
      ORDER BY received_at DESC LIMIT 1`,
    [project],
  )
  return rows[0]?.model_version ?? null
}

/**
 * A naive timestamp's text for a `timestamp` parameter (so the `(project, event_time)` index serves the
 * range); before year 1 (the collector's "since the beginning") it clamps to 0001-01-01.
 */
function timestampText(micros: number): string {
  if (micros < YEAR_ONE_MICROS) return '0001-01-01 00:00:00'
  const seconds = Math.floor(micros / 1e6)
  const fraction = String(micros - seconds * 1e6).padStart(6, '0')
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}.${fraction}`
}

/** 0001-01-01T00:00:00 in microseconds since the epoch. */
const YEAR_ONE_MICROS = -62_135_596_800_000_000
