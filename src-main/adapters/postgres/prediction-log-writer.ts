import type { Queryable } from './pool'
import { GroupCommitQueue } from './group-commit-queue'

/** One predicted ride as the log keeps it. */
export interface PredictionLogRow {
  /** A UUID: what the client posts feedback for. */
  readonly requestId: string
  /** When the service received the request. */
  readonly receivedAt: Date
  /** The project the row belongs to ('nyc-taxi' for the course). */
  readonly project: string
  /**
   * The row's event time as local wall-clock text without a zone (`2022-03-01T00:05:12`): the project's
   * datetime column (the taxi pickup time), or the UTC receive time when the row has none.
   */
  readonly eventTime: string
  /** The record exactly as received; a field sent as null stays null (a missing value). */
  readonly record: Readonly<Record<string, unknown>>
  readonly prediction: number
  readonly modelVersion: string
  /** From receiving the request to the prediction being ready, in milliseconds. */
  readonly latencyMs: number
}

export interface PredictionLogWriterOptions {
  /** Most rows in one INSERT (default 2,000); a backlog is written in several statements. */
  readonly maxBatchRows?: number
  /**
   * Statements in flight at once (default 2, each on its own pool connection): a request arriving while
   * one commit is running starts the next at once instead of waiting for it, which halves the worst
   * wait; PostgreSQL flushes the WAL of concurrent commits together.
   */
  readonly maxConcurrentStatements?: number
}

/** The writer was closed: the service is shutting down and takes no more rows. */
export class PredictionLogClosedError extends Error {
  constructor() {
    super('The prediction log is closed (the service is shutting down).')
    this.name = 'PredictionLogClosedError'
  }
}

/**
 * Group commit for the prediction log (a {@link GroupCommitQueue}). `write(rows)` queues rows and
 * resolves only once they are committed: that promise is the durability contract the HTTP route waits
 * on before answering.
 *
 * Each statement is one multi-row `INSERT … SELECT FROM unnest(arrays)`: eight parameters whatever the
 * row count, so PostgreSQL parses one short statement and commits once.
 */
export class PredictionLogWriter {
  readonly #queue: GroupCommitQueue<PredictionLogRow, void>

  constructor(database: Queryable, options: PredictionLogWriterOptions = {}) {
    this.#queue = new GroupCommitQueue(
      async (rows) => {
        await insertPredictionLogRows(database, rows)
        return []
      },
      {
        maxBatchItems: options.maxBatchRows ?? 2_000,
        maxConcurrentStatements: options.maxConcurrentStatements ?? 2,
        closedError: () => new PredictionLogClosedError(),
      },
    )
  }

  /** Rows queued or being written, not yet committed. */
  get pendingRows(): number {
    return this.#queue.pendingItems
  }

  /**
   * Logs `rows`; resolves when they are committed, rejects when the statement carrying them failed.
   * @throws {PredictionLogClosedError} (as a rejection) after `close()`.
   */
  async write(rows: readonly PredictionLogRow[]): Promise<void> {
    await this.#queue.submit(rows)
  }

  /** Takes no more rows and resolves once every queued row is committed (or its write failed). */
  close(): Promise<void> {
    return this.#queue.close()
  }
}

/**
 * Inserts rows in one statement (one transaction). `missing_fields` is derived from the stored JSON
 * itself, so it can never disagree with the record. Numbers travel as their shortest round-trip text,
 * which float8 reads back to the same double.
 */
async function insertPredictionLogRows(
  database: Queryable,
  rows: readonly PredictionLogRow[],
): Promise<void> {
  await database.query(
    `INSERT INTO prediction_log
       (request_id, received_at, record, missing_fields, prediction, model_version, latency_ms,
        project, event_time)
     SELECT r.request_id, r.received_at, r.record,
            ARRAY(SELECT e.key FROM jsonb_each(r.record) AS e
                  WHERE jsonb_typeof(e.value) = 'null' ORDER BY e.key),
            r.prediction, r.model_version, r.latency_ms, r.project, r.event_time
       FROM unnest($1::uuid[], $2::timestamptz[], $3::jsonb[], $4::float8[], $5::text[], $6::float8[],
                   $7::text[], $8::timestamp[])
         AS r(request_id, received_at, record, prediction, model_version, latency_ms, project,
              event_time)`,
    [
      rows.map((row) => row.requestId),
      rows.map((row) => row.receivedAt.toISOString()),
      rows.map((row) => JSON.stringify(row.record)),
      rows.map((row) => row.prediction),
      rows.map((row) => row.modelVersion),
      rows.map((row) => row.latencyMs),
      rows.map((row) => row.project),
      rows.map((row) => row.eventTime),
    ],
  )
}
