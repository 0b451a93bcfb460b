/**
 * Why a window's prediction moved, what is unusual in it and who it serves worse (issue #13): plain data
 * shared by the core, the store, the CLI, the HTML report and the panel.
 */

/** One feature's part of the shift of the mean prediction between the reference and a window. */
export interface FeatureContribution {
  readonly feature: string
  readonly coefficient: number
  /** Mean of the feature over the reference, nulls read as 0 (as the model reads them). */
  readonly referenceMean: number
  readonly currentMean: number
  /** `coefficient × (currentMean − referenceMean)`, in prediction units. */
  readonly contribution: number
  /** Null share of the feature in the reference and the window (nulls move the mean towards 0). */
  readonly referenceNullShare: number
  readonly currentNullShare: number
}

/** The decomposition of `mean(prediction | window) − mean(prediction | reference)`. */
export interface PredictionShift {
  /** 'linear': the model's own coefficients (exact); 'surrogate': a linear fit of the prediction (an estimate). */
  readonly method: 'linear' | 'surrogate'
  readonly isEstimate: boolean
  readonly referenceMeanPrediction: number
  readonly currentMeanPrediction: number
  /** The observed shift of the mean prediction. */
  readonly observedShift: number
  /** Σ contributions (equals `observedShift` to rounding for 'linear'). */
  readonly explainedShift: number
  /** For a surrogate: R² of the surrogate's fit of the prediction on the reference; null for 'linear'. */
  readonly surrogateR2: number | null
  /** Ranked by |contribution|, largest first. */
  readonly contributions: readonly FeatureContribution[]
}

/** One row's prediction explained against the reference's mean prediction. */
export interface RowContribution {
  readonly row: number
  readonly prediction: number
  /** Per feature: `coefficient × (x − referenceMean)`, ranked by |value|; they sum to prediction − referenceMeanPrediction. */
  readonly contributions: readonly {
    readonly feature: string
    readonly value: number | null
    readonly contribution: number
  }[]
}

/** A numerical column's outliers in a window against the reference's fences. */
export interface ColumnOutliers {
  readonly column: string
  /** Reference quartiles (numpy's default linear quantiles) and Tukey fences `Q1 − 1.5·IQR`, `Q3 + 1.5·IQR`. */
  readonly q1: number
  readonly q3: number
  readonly lowerFence: number
  readonly upperFence: number
  readonly referenceMin: number
  readonly referenceMax: number
  /** Non-null window values the shares are taken over. */
  readonly values: number
  readonly outsideFences: number
  readonly outsideFencesShare: number | null
  readonly outsideRange: number
  readonly outsideRangeShare: number | null
  /** The reference's own share outside its fences (what the suite's condition is derived from). */
  readonly referenceOutsideFencesShare: number
}

/** One of the most unusual rows of a window, with its values. */
export interface ExtremeRow {
  /** Row index within the window. */
  readonly row: number
  /** The column whose value lies furthest beyond its fence. */
  readonly column: string
  /** How far beyond the fence, in reference IQRs (see mostExtremeRows). */
  readonly score: number
  readonly values: Readonly<Record<string, number | string | null>>
}

/** Metrics of one segment of a window beside the same segment of the reference. */
export interface SegmentMetrics {
  readonly segment: string
  readonly rows: number
  readonly referenceRows: number
  readonly meanPrediction: number | null
  readonly referenceMeanPrediction: number | null
  /** Normed Wasserstein distance of the segment's predictions to the reference segment's (null: either empty). */
  readonly predictionDrift: number | null
  readonly labelledRows: number
  readonly mae: number | null
  readonly rmse: number | null
}

/** How segments are formed from a column. */
export type SegmentBy = 'value' | 'hour' | 'weekday'

export interface SegmentTable {
  readonly column: string
  readonly by: SegmentBy
  readonly segments: readonly SegmentMetrics[]
  /** The worst segment (highest MAE with labels, else highest prediction drift) among segments with enough rows. */
  readonly worst: {
    readonly segment: string
    readonly metric: 'mae' | 'predictionDrift'
    readonly value: number
  } | null
  /** Segments with fewer rows than this are not candidates for the worst. */
  readonly minRows: number
}

/** The error gap between the groups of a sensitive column (fairness). */
export interface ErrorGap {
  readonly column: string
  readonly metric: 'mae'
  readonly best: { readonly group: string; readonly mae: number } | null
  readonly worst: { readonly group: string; readonly mae: number } | null
  /** worst − best, and worst / best (null when best is 0 or fewer than two groups qualify). */
  readonly gap: number | null
  readonly ratio: number | null
}

/** An explanation and, when rows were asked for, their per-row contributions. */
export interface ExplainResult {
  readonly document: ExplainDocument
  readonly rows: readonly RowContribution[]
}

/** Everything `explain` says about one window. */
export interface ExplainDocument {
  readonly project: string
  readonly window: string
  readonly referenceRows: number
  readonly currentRows: number
  readonly shift: PredictionShift | null
  /** Why there is no shift (no prediction column, no numeric features). */
  readonly shiftUnavailable?: string
  readonly outliers: readonly ColumnOutliers[]
  readonly extremeRows: readonly ExtremeRow[]
  readonly outlierTests: readonly {
    readonly column: string
    readonly status: string
    readonly description: string
  }[]
  readonly segments: SegmentTable | null
  readonly fairness: ErrorGap | null
}
