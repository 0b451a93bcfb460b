/**
 * The messages between a project backfill (main thread) and its compute workers: plain data only. Main
 * sends `load` once per worker (the reference and the options), then `compute` per window; a worker answers
 * each request with exactly one response carrying the same `requestId`. Frames cross as {@link WireFrame}s
 * (numeric buffers transferred, string columns as codes).
 */
import type { DriftOptions } from '../core/drift/drift-options'
import type { WindowMetricSpec, WindowMetricValue } from '../core/quality/window-column-metric'
import type { ColumnMapping } from '../core/reports/column-mapping'
import type { DayMetrics } from '../shared/domain/metrics'
import type { SerializedError } from '../shared/errors'
import type { WireFrame } from './wire-frame'

export interface ProjectWorkerLoad {
  readonly reference: WireFrame
  readonly mapping: ColumnMapping
  readonly drift?: DriftOptions
  readonly extra: readonly WindowMetricSpec[]
}

export type ProjectWorkerRequest =
  | { readonly type: 'load'; readonly requestId: number; readonly input: ProjectWorkerLoad }
  | {
      readonly type: 'compute'
      readonly requestId: number
      readonly key: string
      readonly frame: WireFrame
    }

export type ProjectWorkerResponse =
  | { readonly type: 'loaded'; readonly requestId: number }
  | {
      readonly type: 'window'
      readonly requestId: number
      readonly metrics: DayMetrics
      readonly columnMetrics: readonly WindowMetricValue[]
      readonly failed: boolean
      readonly computeMs: number
    }
  | { readonly type: 'error'; readonly requestId: number; readonly error: SerializedError }
