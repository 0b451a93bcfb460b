import type { ExplainDocument } from './explain'

/**
 * Plain data exchanged between the engine, the store, the worker, the CLI and the renderer.
 * Dates are ISO strings (`YYYY-MM-DD` for a logical day).
 */

/** Evidently's column types for drift: numerical or categorical. */
export type DriftColumnType = 'num' | 'cat'

/** One column's drift result (Evidently's ColumnDataDriftMetrics, in camelCase). */
export interface ColumnDriftResult {
  readonly column: string
  readonly columnType: DriftColumnType
  /** Registry key, e.g. `wasserstein`. */
  readonly stattest: string
  /** Evidently's display name, e.g. `Wasserstein distance (normed)`. */
  readonly stattestName: string
  readonly threshold: number
  readonly driftScore: number | null
  readonly driftDetected: boolean | null
  /** Set when this column could not be computed (e.g. empty after dropping nulls); others still are. */
  readonly error?: string
}

/** The course's three numbers for one day, plus what driftdesk adds. */
export interface DayMetrics {
  readonly date: string
  readonly rows: number
  /** The prediction column's drift score: a distance or a p-value, depending on its stattest. */
  readonly predictionDrift: number | null
  /**
   * Whether the prediction column drifted, by its stattest's own rule (a p-value drifts when below
   * the threshold, a distance when at or above it). Optional: absent where a writer did not set it.
   */
  readonly predictionDriftDetected?: boolean | null
  readonly numDriftedColumns: number | null
  readonly shareOfDriftedColumns: number | null
  readonly datasetDrift: boolean | null
  readonly shareMissingValues: number | null
  /** Missing cells per column of the current frame (pandas null, "", ±inf). */
  readonly missingByColumn: Readonly<Record<string, number>>
  /** MAE/RMSE of the prediction against the real duration (known after the trip); null with no rows. */
  readonly mae: number | null
  readonly rmse: number | null
  readonly columns: readonly ColumnDriftResult[]
  /** Why the prediction moved, outliers and segments (issue #13); stored by the backfill in migration 0004's tables. */
  readonly explain?: ExplainDocument
  /**
   * The MAE estimated without labels (Direct Loss Estimation, issue 13) and its 95 % band; absent when
   * the day was computed without an estimator.
   */
  readonly estimatedMae?: number | null
  readonly estimatedMaeLower?: number | null
  readonly estimatedMaeUpper?: number | null
  /** Why the day has no metrics (e.g. no rows); the backfill goes on. */
  readonly error?: string
}

/** What training reports (the course notebook's numbers). */
export interface ModelSummary {
  readonly referenceMonth: string
  readonly rawRows: number
  readonly rowsAfterDurationFilter: number
  readonly filteredRows: number
  readonly trainRows: number
  readonly referenceRows: number
  readonly featureOrder: readonly string[]
  readonly coefficients: Readonly<Record<string, number>>
  readonly intercept: number
  readonly maeTrain: number
  readonly maeValidation: number
  readonly rmseTrain: number
  readonly rmseValidation: number
}
