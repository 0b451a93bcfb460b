import type { Queryable } from './pool'

/** What storing an outcome did. */
export type FeedbackOutcome = 'stored' | 'replaced' | 'unknown-request'

/** PostgreSQL's foreign_key_violation: the request id is not in the prediction log. */
const FOREIGN_KEY_VIOLATION = '23503'

/**
 * Stores the actual outcome of a logged prediction: a number (the taxi's trip duration in minutes, or
 * any regression target, kept in duration_min as well) or a label. A second outcome for the same request
 * replaces the first (a corrected or late label: the latest wins, `revisions` counts them,
 * `first_received_at` keeps the first's time). An id the log does not hold is reported, not thrown.
 */
export async function storePredictionFeedback(
  database: Queryable,
  requestId: string,
  actual: number | string,
): Promise<FeedbackOutcome> {
  try {
    const result = await database.query<{ inserted: boolean }>(
      `INSERT INTO prediction_feedback (request_id, duration_min, actual) VALUES ($1, $2, $3)
       ON CONFLICT (request_id)
         DO UPDATE SET duration_min = EXCLUDED.duration_min, actual = EXCLUDED.actual,
                       received_at = now(), revisions = prediction_feedback.revisions + 1
       RETURNING (xmax = 0) AS inserted`,
      [requestId, typeof actual === 'number' ? actual : null, JSON.stringify(actual)],
    )
    return result.rows[0]?.inserted === true ? 'stored' : 'replaced'
  } catch (error) {
    if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) return 'unknown-request'
    throw error
  }
}

/**
 * Stores the outcomes of many logged predictions in one statement (POST /feedback with an array): the
 * same upsert as {@link storePredictionFeedback}, one outcome per item in the order given. Ids the log
 * does not hold are left out of the insert and reported as 'unknown-request', so one unknown id does not
 * refuse the others. Rows are upserted in request-id order, so two batches never wait on each other's
 * locks in opposite orders. The ids must be distinct (the route refuses a batch repeating one).
 */
export async function storePredictionFeedbackBatch(
  database: Queryable,
  items: readonly { readonly requestId: string; readonly actual: number | string }[],
): Promise<FeedbackOutcome[]> {
  if (items.length === 0) return []
  const result = await database.query<{ request_id: string; inserted: boolean }>(
    `INSERT INTO prediction_feedback (request_id, duration_min, actual)
     SELECT i.request_id, i.duration_min, i.actual
       FROM unnest($1::uuid[], $2::float8[], $3::jsonb[]) AS i (request_id, duration_min, actual)
       JOIN prediction_log p ON p.request_id = i.request_id
      ORDER BY i.request_id
     ON CONFLICT (request_id)
       DO UPDATE SET duration_min = EXCLUDED.duration_min, actual = EXCLUDED.actual,
                     received_at = now(), revisions = prediction_feedback.revisions + 1
     RETURNING request_id, (xmax = 0) AS inserted`,
    [
      items.map((item) => item.requestId),
      items.map((item) => (typeof item.actual === 'number' ? item.actual : null)),
      items.map((item) => JSON.stringify(item.actual)),
    ],
  )
  const outcomes = new Map(
    result.rows.map((row) => [row.request_id, row.inserted ? 'stored' : 'replaced'] as const),
  )
  return items.map((item) => outcomes.get(item.requestId.toLowerCase()) ?? 'unknown-request')
}

/** A logged prediction as read back (tests, the collector). */
export interface LoggedPrediction {
  readonly requestId: string
  readonly receivedAt: string
  readonly project: string
  /** As PostgreSQL prints a timestamp: `2022-03-01 00:05:12`. */
  readonly eventTime: string | null
  readonly record: Record<string, unknown>
  readonly missingFields: string[]
  readonly prediction: number
  readonly modelVersion: string
  readonly latencyMs: number
}

/** The logged rows for the given request ids (in no particular order); ids not logged are absent. */
export async function readLoggedPredictions(
  database: Queryable,
  requestIds: readonly string[],
): Promise<LoggedPrediction[]> {
  const result = await database.query<{
    request_id: string
    received_at: Date
    project: string
    event_time: string | null
    record: Record<string, unknown>
    missing_fields: string[]
    prediction: number
    model_version: string
    latency_ms: number
  }>(
    `SELECT request_id, received_at, project, event_time::text AS event_time, record, missing_fields, prediction, model_version, latency_ms
       FROM prediction_log WHERE request_id = ANY($1::uuid[])`,
    [requestIds],
  )
  return result.rows.map((row) => ({
    requestId: row.request_id,
    receivedAt: row.received_at.toISOString(),
    project: row.project,
    eventTime: row.event_time,
    record: row.record,
    missingFields: row.missing_fields,
    prediction: row.prediction,
    modelVersion: row.model_version,
    latencyMs: row.latency_ms,
  }))
}
