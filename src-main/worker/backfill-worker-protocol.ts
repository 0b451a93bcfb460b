/**
 * The messages between the backfill's owner (main thread) and its compute workers: plain data only
 * (structured clone), no class instances, no functions. Main sends `load` once, then `compute` per day;
 * a worker answers each request with exactly one response carrying the same `requestId`.
 */
import type { AppConfig } from '../config/app-config'
import type { DayMetrics, ModelSummary } from '../shared/domain/metrics'
import type { SerializedError } from '../shared/errors'

export interface BackfillLoadInput {
  readonly config: AppConfig
  readonly referenceMonth: string
  /** The reference month's Parquet file (trained on when no saved model matches). */
  readonly referenceFile: string
  /** The monitored month's Parquet file. */
  readonly monthFile: string
  /** First logical day, `YYYY-MM-DD`. */
  readonly startDate: string
  readonly days: number
  /** Train again even when a saved model matches (`--force`). Only the first worker is asked to. */
  readonly retrain: boolean
  /** Estimate each day's MAE without labels (fits or loads the estimator; see BackfillRequest). */
  readonly estimateMae?: boolean
}

/** What loading found: enough for the owner to fingerprint tasks and plan the days. */
export interface LoadedBackfillInputs {
  /** sha256 of engine version + reference month + reference file (the model's own fingerprint). */
  readonly modelFingerprint: string
  /** sha256 of the monitored month's file. */
  readonly monthFileSha256: string
  readonly trainedNow: boolean
  readonly summary: ModelSummary
  readonly monthRows: number
  /** The days, in order, with how many trips each holds. */
  readonly windows: readonly { readonly date: string; readonly rows: number }[]
  readonly loadMs: number
}

export type BackfillWorkerRequest =
  | { readonly type: 'load'; readonly requestId: number; readonly input: BackfillLoadInput }
  | { readonly type: 'compute'; readonly requestId: number; readonly dayIndex: number }

export type BackfillWorkerResponse =
  | { readonly type: 'loaded'; readonly requestId: number; readonly inputs: LoadedBackfillInputs }
  | {
      readonly type: 'day'
      readonly requestId: number
      readonly dayIndex: number
      readonly metrics: DayMetrics
      readonly computeMs: number
    }
  | { readonly type: 'error'; readonly requestId: number; readonly error: SerializedError }
