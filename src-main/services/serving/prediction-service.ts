import { randomUUID } from 'node:crypto'
import type { Frame, NumericColumn } from '../../core/data/frame'
import { predictTripDurations } from '../../core/model/trip-duration-model'
import type { PredictionLogRow } from '../../adapters/postgres/prediction-log-writer'
import type { FeedbackOutcome } from '../../adapters/postgres/prediction-log-repository'
import type { ServedModel } from './served-model'
import type { TripRecord } from './trip-record-schema'

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

export interface PredictionServiceDeps {
  readonly model: ServedModel
  readonly log: PredictionLog
  readonly storeFeedback: (requestId: string, durationMin: number) => Promise<FeedbackOutcome>
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

  get modelVersion(): string {
    return this.#deps.model.version
  }

  /**
   * Predicts and logs `records` (already validated against TripRecordSchema).
   * @param receivedAt when the request arrived; `startedAtMs` its `performance.now()` for the latency.
   */
  async predict(
    records: readonly TripRecord[],
    receivedAt: Date,
    startedAtMs: number,
  ): Promise<RidePrediction[]> {
    const { model, version } = this.#deps.model
    const durations = predictTripDurations(model, recordsToFrame(records, model.featureOrder))
    const latencyMs = performance.now() - startedAtMs
    const answers: RidePrediction[] = []
    const rows: PredictionLogRow[] = []
    for (const [i, record] of records.entries()) {
      const requestId = this.#newRequestId()
      const durationMin = durations[i] as number
      answers.push({ requestId, durationMin })
      rows.push({
        requestId,
        receivedAt,
        record,
        prediction: durationMin,
        modelVersion: version,
        latencyMs,
      })
    }
    await this.#deps.log.write(rows)
    return answers
  }

  /** Stores the actual duration (minutes) of a logged prediction. */
  recordFeedback(requestId: string, durationMin: number): Promise<FeedbackOutcome> {
    return this.#deps.storeFeedback(requestId, durationMin)
  }
}

/**
 * The feature columns of `records` as a frame: numbers as float64, a null (or an absent optional field)
 * as a null row, exactly what reading the same rows from the TLC Parquet file gives the core.
 */
function recordsToFrame(records: readonly TripRecord[], features: readonly string[]): Frame {
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
