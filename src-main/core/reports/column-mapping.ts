import {
  CATEGORICAL_FEATURES,
  NUMERICAL_FEATURES,
  PICKUP_COLUMN,
  PREDICTION_COLUMN,
  TARGET_COLUMN,
} from '../pipeline/course-columns'

/**
 * Evidently's `ColumnMapping`: which column is the target, the prediction, the datetime, and which columns are
 * numerical and categorical features. Unlisted columns still count for data-quality metrics (every column of the
 * frame) but not for drift.
 */
export interface ColumnMapping {
  readonly target?: string
  readonly prediction?: string
  readonly datetime?: string
  /** A row identifier: neither a feature nor checked for drift. */
  readonly id?: string
  readonly numericalFeatures: readonly string[]
  readonly categoricalFeatures: readonly string[]
  /**
   * Evidently's task, which types the target and prediction: regression (numerical, the default here, as
   * the course's) or classification (categorical). {@link inferColumnMapping} decides it as Evidently does.
   */
  readonly task?: 'regression' | 'classification'
}

/** The course's mapping (`evidently_metrics_calculation.py`): no target, so drift never looks at duration. */
export const courseDriftMapping: ColumnMapping = {
  prediction: PREDICTION_COLUMN,
  numericalFeatures: NUMERICAL_FEATURES,
  categoricalFeatures: CATEGORICAL_FEATURES,
}

/** The course mapping with the target known after the trip (`duration_min`), for quality and regression. */
export const courseQualityMapping: ColumnMapping = {
  ...courseDriftMapping,
  target: TARGET_COLUMN,
  datetime: PICKUP_COLUMN,
}

/** A drift column and Evidently's type for it. */
export interface DriftColumnSpec {
  readonly name: string
  readonly type: 'num' | 'cat'
}

/**
 * Columns of DataDriftTable / DatasetDriftMetric in the order Evidently 0.4.16 printed them on the course data:
 * target and prediction (numerical for regression), then numerical features sorted by name, then categorical
 * features in mapping order. Evidently builds the numerical list through a set, so its order is an artefact;
 * this order reproduces the answer key.
 */
export function driftTableColumns(mapping: ColumnMapping): DriftColumnSpec[] {
  const columns: DriftColumnSpec[] = []
  const type = utilityType(mapping)
  if (mapping.target !== undefined) columns.push({ name: mapping.target, type })
  if (mapping.prediction !== undefined) columns.push({ name: mapping.prediction, type })
  for (const name of [...mapping.numericalFeatures].sort()) columns.push({ name, type: 'num' })
  for (const name of mapping.categoricalFeatures) columns.push({ name, type: 'cat' })
  return columns
}

/**
 * Columns of DataDriftTestPreset in Evidently's order: target, prediction, then `TestAllFeaturesValueDrift`
 * (categorical features, then numerical ones, each in mapping order).
 */
export function driftTestColumns(mapping: ColumnMapping): DriftColumnSpec[] {
  const columns: DriftColumnSpec[] = []
  const type = utilityType(mapping)
  if (mapping.target !== undefined) columns.push({ name: mapping.target, type })
  if (mapping.prediction !== undefined) columns.push({ name: mapping.prediction, type })
  for (const name of mapping.categoricalFeatures) columns.push({ name, type: 'cat' })
  for (const name of mapping.numericalFeatures) columns.push({ name, type: 'num' })
  return columns
}

/** Target and prediction are numerical for regression, categorical for classification. */
function utilityType(mapping: ColumnMapping): 'num' | 'cat' {
  return mapping.task === 'classification' ? 'cat' : 'num'
}
