import type { DayMetrics } from '../../shared/domain/metrics'
import { AppError } from '../../shared/errors'
import type { BackfillLoadInput, LoadedBackfillInputs } from '../../worker/backfill-worker-protocol'

export type { BackfillLoadInput, LoadedBackfillInputs }

export interface ComputedDay {
  readonly metrics: DayMetrics
  readonly computeMs: number
}

/**
 * What the backfill service needs from the compute side: load the inputs once, then compute days by
 * index. The real one is the worker pool (`adapters/worker/backfill-worker-pool.ts`); tests may wrap it
 * to inject failures.
 */
export interface BackfillComputeRunner {
  /** The most workers that may compute days. */
  readonly size: number
  load(input: BackfillLoadInput): Promise<LoadedBackfillInputs>
  computeDay(dayIndex: number): Promise<ComputedDay>
  /** Drops days not yet started; days in flight finish. */
  cancelQueued(reason: string): void
  close(): Promise<void>
}

/** A compute worker died mid-day (e.g. out of memory). Retryable: a fresh worker may well succeed. */
export class WorkerCrashedError extends AppError {
  readonly retryable = true
  constructor(message: string) {
    super('INTERNAL', message)
    this.name = 'WorkerCrashedError'
  }
}
