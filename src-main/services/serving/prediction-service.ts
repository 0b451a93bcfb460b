import { randomUUID } from 'node:crypto'
import type { Frame, NumericColumn } from '../../core/data/frame'
import { predictTripDurations } from '../../core/model/trip-duration-model'
import type { PredictionLogRow } from '../../adapters/postgres/prediction-log-writer'
import type { FeedbackOutcome } from '../../adapters/postgres/prediction-log-repository'
import type { ServedProject } from './served-project'
import { eventTimeOf } from './served-project'

/** One answered ride. */
export interface RidePrediction {
  readonly requestId: string
  /** Predicted trip duration in minutes. */
  readonly durationMin: number
}

/** Where predictions are logged; `write` resolves once the rows are committed. */
export interface PredictionLog {
  write(rows: readonly PredictionLogRow[]): Promise<void>
}

/** A row of POST /log: a record and the prediction a model elsewhere made for it. */
export interface PredictedRecord {
  readonly record: Readonly<Record<string, unknown>>
  readonly prediction: number
}

/** Thrown by {@link PredictionService.predict} when driftdesk holds no model for the project. */
export class NoModelError extends Error {
  constructor(project: string) {
    super(
      `Project '${project}' has no model in driftdesk, so this service cannot predict for it; send each row with the prediction your model made to POST /log instead.`,
    )
    this.name = 'NoModelError'
  }
}

export interface PredictionServiceDeps {
  readonly project: ServedProject
  readonly log: PredictionLog
  /** Stores the actual outcome of a logged prediction (a number, or a label for a classifier). */
  readonly storeFeedback: (requestId: string, actual: number | string) => Promise<FeedbackOutcome>
  /** Stores many outcomes at once, one outcome per item in order; without it, one at a time. */
  readonly storeFeedbackBatch?: (
    items: readonly { readonly requestId: string; readonly actual: number | string }[],
  ) => Promise<FeedbackOutcome[]>
  /** Injected so tests can fix ids; default `crypto.randomUUID`. */
  readonly newRequestId?: () => string
}

/**
 * The prediction use case, whatever the front door: predict a batch of trip records with the course's
 * own function (so an answer equals the backfill's prediction for the same row, bit for bit), log every
 * ride, and resolve only when the log has committed them.
 */
export class PredictionService {
  readonly #deps: PredictionServiceDeps
  readonly #newRequestId: () => string

  constructor(deps: PredictionServiceDeps) {
    this.#deps = deps
    this.#newRequestId = deps.newRequestId ?? randomUUID
  }

  get project(): ServedProject {
    return this.#deps.project
  }

  /** The served model's version, or null when the project's model lives elsewhere. */
  get modelVersion(): string | null {
    return this.#deps.project.model?.version ?? null
  }

  /**
   * Predicts and logs `records` (already validated against the project's record schema).
   * @param receivedAt when the request arrived; `startedAtMs` its `performance.now()` for the latency.
   * @throws {NoModelError} when driftdesk holds no model for the project.
   */
  async predict(
    records: readonly Readonly<Record<string, unknown>>[],
    receivedAt: Date,
    startedAtMs: number,
  ): Promise<RidePrediction[]> {
    const served = this.#deps.project.model
    if (served === null) throw new NoModelError(this.#deps.project.name)
    const { model, version } = served
    const durations = predictTripDurations(model, recordsToFrame(records, model.featureOrder))
    const latencyMs = performance.now() - startedAtMs
    return this.#logRows(
      records.map((record, i) => ({ record, prediction: durations[i] as number })),
      receivedAt,
      version,
      latencyMs,
    )
  }

  /**
   * Logs rows whose prediction was made elsewhere (POST /log), exactly as /predict logs its own.
   * @param modelVersion the version the client named, or 'external'.
   */
  async logPredicted(
    rows: readonly PredictedRecord[],
    receivedAt: Date,
    startedAtMs: number,
    modelVersion: string,
  ): Promise<RidePrediction[]> {
    return this.#logRows(rows, receivedAt, modelVersion, performance.now() - startedAtMs)
  }

  async #logRows(
    predicted: readonly PredictedRecord[],
    receivedAt: Date,
    modelVersion: string,
    latencyMs: number,
  ): Promise<RidePrediction[]> {
    const { name, eventTimeColumn } = this.#deps.project
    const answers: RidePrediction[] = []
    const rows: PredictionLogRow[] = []
    for (const { record, prediction } of predicted) {
      const requestId = this.#newRequestId()
      answers.push({ requestId, durationMin: prediction })
      rows.push({
        requestId,
        receivedAt,
        project: name,
        eventTime: eventTimeOf(record, eventTimeColumn, receivedAt),
        record,
        prediction,
        modelVersion,
        latencyMs,
      })
    }
    await this.#deps.log.write(rows)
    return answers
  }

  /** Stores the actual outcome (the taxi's duration in minutes) of a logged prediction. */
  recordFeedback(requestId: string, actual: number | string): Promise<FeedbackOutcome> {
    return this.#deps.storeFeedback(requestId, actual)
  }

  /** Stores a batch of outcomes (distinct request ids), one outcome per item in order. */
  async recordFeedbackBatch(
    items: readonly { readonly requestId: string; readonly actual: number | string }[],
  ): Promise<FeedbackOutcome[]> {
    if (this.#deps.storeFeedbackBatch !== undefined) return this.#deps.storeFeedbackBatch(items)
    const outcomes: FeedbackOutcome[] = []
    for (const item of items)
      outcomes.push(await this.#deps.storeFeedback(item.requestId, item.actual))
    return outcomes
  }
}

/**
 * The feature columns of `records` as a frame: numbers as float64, a null (or an absent optional field)
 * as a null row, exactly what reading the same rows from the TLC Parquet file gives the core.
 */
function recordsToFrame(
  records: readonly Readonly<Record<string, unknown>>[],
  features: readonly string[],
): Frame {
  const columns: Record<string, NumericColumn> = {}
  for (const name of features) {
    const values = new Float64Array(records.length)
    let valid: Uint8Array | null = null
    for (const [i, record] of records.entries()) {
      const value = (record as Record<string, unknown>)[name]
      if (typeof value === 'number') {
        values[i] = value
      } else {
        valid ??= new Uint8Array(records.length).fill(1)
        valid[i] = 0
      }
    }
    columns[name] = { kind: 'float64', values, valid }
  }
  return { rowCount: records.length, names: [...features], columns }
}
