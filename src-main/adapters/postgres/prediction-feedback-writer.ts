import { GroupCommitQueue } from './group-commit-queue'
import type { Queryable } from './pool'
import type { FeedbackOutcome } from './prediction-log-repository'
import { storePredictionFeedbackBatch } from './prediction-log-repository'

/** One actual outcome for a logged prediction. */
export interface FeedbackItem {
  readonly requestId: string
  readonly actual: number | string
}

export interface PredictionFeedbackWriterOptions {
  /** Most feedbacks in one statement (default 2,000). */
  readonly maxBatchItems?: number
  /** Statements in flight at once (default 2), as for the prediction log. */
  readonly maxConcurrentStatements?: number
}

/** The writer was closed: the service is shutting down and takes no more feedback. */
export class PredictionFeedbackClosedError extends Error {
  constructor() {
    super('The feedback store is closed (the service is shutting down).')
    this.name = 'PredictionFeedbackClosedError'
  }
}

/**
 * Group commit for `POST /feedback`, like the prediction log's writer: concurrent feedbacks (single ones
 * and batches) are upserted together in one statement (`storePredictionFeedbackBatch`, one transaction),
 * and each `store` resolves with its items' outcomes only after that commit, so an answered feedback is
 * stored. An id the log does not hold comes back as 'unknown-request' for its item alone.
 *
 * Two feedbacks for the same request id never share a statement or run at once: the later one waits
 * for the earlier one's commit, so the one that arrived last is the one kept (as when each was its own
 * statement).
 */
export class PredictionFeedbackWriter {
  readonly #queue: GroupCommitQueue<FeedbackItem, FeedbackOutcome>

  constructor(database: Queryable, options: PredictionFeedbackWriterOptions = {}) {
    this.#queue = new GroupCommitQueue((items) => storePredictionFeedbackBatch(database, items), {
      maxBatchItems: options.maxBatchItems ?? 2_000,
      maxConcurrentStatements: options.maxConcurrentStatements ?? 2,
      // Request ids are UUIDs; PostgreSQL compares them case-insensitively, so the queue does too.
      keyOf: (item) => item.requestId.toLowerCase(),
      closedError: () => new PredictionFeedbackClosedError(),
    })
  }

  /** Feedbacks queued or being written, not yet committed. */
  get pendingItems(): number {
    return this.#queue.pendingItems
  }

  /**
   * Stores `items` (distinct request ids); resolves with one outcome per item, in order, once committed.
   * @throws {PredictionFeedbackClosedError} (as a rejection) after `close()`.
   */
  store(items: readonly FeedbackItem[]): Promise<FeedbackOutcome[]> {
    return this.#queue.submit(items)
  }

  /** Takes no more feedback and resolves once every queued item is committed (or failed). */
  close(): Promise<void> {
    return this.#queue.close()
  }
}
