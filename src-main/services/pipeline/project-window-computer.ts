import type { Frame } from '../../core/data/frame'
import type { DriftOptions } from '../../core/drift/drift-options'
import { computeWindowMetrics } from '../../core/pipeline/compute-window-metrics'
import type { WindowMetricSpec, WindowMetricValue } from '../../core/quality/window-column-metric'
import type { ColumnMapping } from '../../core/reports/column-mapping'
import type { ReferenceProfile } from '../../core/reports/reference-profile'
import { createReferenceProfile } from '../../core/reports/reference-profile'
import type { DayMetrics } from '../../shared/domain/metrics'
import { AppError } from '../../shared/errors'

/** What every window of a run is computed against: plain data, so it can be sent to a worker once. */
export interface ProjectComputeInput {
  /** The reference rows, the window column already dropped. */
  readonly reference: Frame
  readonly mapping: ColumnMapping
  readonly drift?: DriftOptions
  readonly extra: readonly WindowMetricSpec[]
}

/** One window computed: its metrics, or (`failed`) its error in `metrics.error` with null metrics. */
export interface ComputedWindow {
  readonly metrics: DayMetrics
  readonly columnMetrics: readonly WindowMetricValue[]
  readonly failed: boolean
}

/**
 * Where a project backfill's windows are computed: in this thread ({@link InProcessWindowComputer}) or in a
 * pool of worker threads (`adapters/worker/project-backfill-worker-pool.ts`). The service submits windows in
 * order and may have several in flight; answers may come in any order, the service stores them in order.
 */
export interface ProjectWindowComputer {
  /** How many windows can be computed at once (the service keeps a few more than this in flight). */
  readonly size: number
  /** Sets the reference and options every later window is computed against; called once per run. */
  load(input: ProjectComputeInput): void
  /**
   * Computes one window. Resolves with a failed window for input the metrics cannot use (a `RangeError` or
   * `TypeError` of the core); rejects when the computer itself fails (a `WorkerCrashedError` is retryable).
   */
  compute(key: string, frame: Frame): Promise<ComputedWindow>
  /** Drops windows not yet started (their promises reject) and stops the threads, if any. */
  close(): Promise<void>
}

/**
 * One window's metrics as the backfill stores them. The core's input errors (a `RangeError` or
 * `TypeError`: text in a numeric column, a column missing from one file) fail only this window.
 */
export function computeProjectWindow(
  profile: ReferenceProfile,
  input: Pick<ProjectComputeInput, 'drift' | 'extra'>,
  frame: Frame,
  key: string,
): ComputedWindow {
  try {
    const result = computeWindowMetrics(profile, frame, key, {
      ...(input.drift === undefined ? {} : { drift: input.drift }),
      extra: input.extra,
    })
    return { ...result, failed: false }
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error
    return failedWindow(key, frame.rowCount, error.message)
  }
}

/** A window whose metrics could not be computed, as it is stored (null metrics, its error). */
export function failedWindow(key: string, rows: number, message: string): ComputedWindow {
  return {
    metrics: {
      date: key,
      rows,
      predictionDrift: null,
      numDriftedColumns: null,
      shareOfDriftedColumns: null,
      datasetDrift: null,
      shareMissingValues: null,
      missingByColumn: {},
      mae: null,
      rmse: null,
      columns: [],
      error: message,
    },
    columnMetrics: [],
    failed: true,
  }
}

/**
 * Computes each window in this thread as it is submitted: the serial path (tests, one core, and the
 * default when no pool is given). The answer is ready before `compute` returns, so nothing overlaps.
 */
export class InProcessWindowComputer implements ProjectWindowComputer {
  readonly size = 1
  private state: { profile: ReferenceProfile; input: ProjectComputeInput } | null = null

  load(input: ProjectComputeInput): void {
    this.state = { profile: createReferenceProfile(input.reference, input.mapping), input }
  }

  compute(key: string, frame: Frame): Promise<ComputedWindow> {
    if (this.state === null)
      return Promise.reject(new AppError('INTERNAL', 'A window was computed before its reference.'))
    try {
      return Promise.resolve(computeProjectWindow(this.state.profile, this.state.input, frame, key))
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  close(): Promise<void> {
    this.state = null
    return Promise.resolve()
  }
}
