import type { Column, Frame } from '../data/frame'
import { isNullAt } from '../data/frame'
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
  /**
   * Which feature lists {@link inferColumnMapping} inferred rather than the user gave. Evidently uses two
   * typings then: the drift table goes by storage (every integer numerical), while its data definition (column
   * summaries, correlations, test presets) types an inferred integer column with at most 5 values as
   * categorical.
   */
  readonly inferred?: { readonly numerical: boolean; readonly categorical: boolean }
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

/**
 * What a user may say about their columns; anything left out is inferred by {@link inferColumnMapping}.
 * The same fields as Evidently's `ColumnMapping(target, prediction, numerical_features,
 * categorical_features, datetime, id)`.
 */
export interface ColumnMappingSpec {
  readonly target?: string
  readonly prediction?: string
  readonly datetime?: string
  readonly id?: string
  readonly numericalFeatures?: readonly string[]
  readonly categoricalFeatures?: readonly string[]
  readonly task?: 'regression' | 'classification'
}

/** Evidently's `NUMBER_UNIQUE_AS_CATEGORICAL`: a target with at most this many values is a class label. */
const maxUniqueForCategoricalTarget = 5

/**
 * The column mapping Evidently 0.4 would use (`ColumnMapping()` defaults and `utils/data_operations.py::
 * process_columns`), with what `spec` says taking precedence:
 * - target, prediction and datetime default to the columns named `target`, `prediction` and `datetime` when
 *   both datasets have them (no other name is recognised);
 * - unlisted features are the columns both datasets have, typed by their physical type alone: every integer
 *   and float column is numerical however few values it has; strings, booleans and all-null columns are
 *   categorical; timestamps are neither (not drift features); each list sorted by name, as Evidently's is;
 * - the task is regression when the target is numeric with more than 5 distinct values (reference first),
 *   else classification; without a target, classification when the prediction holds strings or booleans.
 * Only the columns present in both datasets are features (Evidently skips the others).
 * @throws {RangeError} when a mapped column is missing from either dataset, or a column listed as numerical
 *   holds strings.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.16/src/evidently/utils/data_operations.py
 * @example inferColumnMapping(reference, current).numericalFeatures // ['age', 'children', …]
 */
export function inferColumnMapping(
  reference: Frame,
  current: Frame,
  spec: ColumnMappingSpec = {},
): ColumnMapping {
  const inBoth = (name: string): boolean =>
    reference.names.includes(name) && current.names.includes(name)
  const requireMapped = (name: string, role: string): string => {
    const missing = [
      reference.names.includes(name) ? null : 'reference',
      current.names.includes(name) ? null : 'current',
    ].filter((side): side is string => side !== null)
    if (missing.length > 0) {
      const other = missing[0] === 'reference' ? reference : current
      throw new RangeError(
        `The ${role} column '${name}' is missing from the ${missing.join(' and ')} data; that data has: ${other.names.join(', ') || '(no columns)'}. Fix the column mapping or the file.`,
      )
    }
    return name
  }
  const role = (given: string | undefined, byName: string, label: string): string | undefined =>
    given !== undefined ? requireMapped(given, label) : inBoth(byName) ? byName : undefined
  const target = role(spec.target, 'target', 'target')
  const prediction = role(spec.prediction, 'prediction', 'prediction')
  const datetime = role(spec.datetime, 'datetime', 'datetime')
  const id = spec.id === undefined ? undefined : requireMapped(spec.id, 'id')
  const utility = new Set([target, prediction, datetime, id].filter((n) => n !== undefined))
  const shared = reference.names.filter(inBoth)
  const kindOf = (name: string): Column['kind'] =>
    (reference.columns[name] ?? current.columns[name])?.kind ?? 'null'
  const isNumeric = (name: string): boolean => {
    const kind = kindOf(name)
    return kind === 'float64' || kind === 'int64' || kind === 'int32'
  }
  const isCategorical = (name: string): boolean => {
    const kind = kindOf(name)
    return kind === 'string' || kind === 'bool' || kind === 'null'
  }
  for (const name of spec.numericalFeatures ?? []) {
    requireMapped(name, 'numerical feature')
    for (const [side, frame] of [
      ['reference', reference],
      ['current', current],
    ] as const) {
      if (frame.columns[name]?.kind === 'string')
        throw new RangeError(
          `Column '${name}' is listed as numerical but holds text in the ${side} data; list it as categorical instead.`,
        )
    }
  }
  for (const name of spec.categoricalFeatures ?? []) requireMapped(name, 'categorical feature')
  const listedCategorical = new Set(spec.categoricalFeatures ?? [])
  const numericalFeatures =
    spec.numericalFeatures?.filter((name) => !utility.has(name)) ??
    shared.filter((n) => isNumeric(n) && !utility.has(n) && !listedCategorical.has(n)).sort()
  const categoricalFeatures =
    spec.categoricalFeatures?.filter((name) => !utility.has(name)) ??
    shared.filter((n) => isCategorical(n) && !utility.has(n)).sort()
  const task = spec.task ?? inferTask(reference, current, target, prediction)
  return {
    ...(target === undefined ? {} : { target }),
    ...(prediction === undefined ? {} : { prediction }),
    ...(datetime === undefined ? {} : { datetime }),
    ...(id === undefined ? {} : { id }),
    numericalFeatures,
    categoricalFeatures,
    ...(task === undefined ? {} : { task }),
    inferred: {
      numerical: spec.numericalFeatures === undefined,
      categorical: spec.categoricalFeatures === undefined,
    },
  }
}

/**
 * The column types of `process_columns` (what DatasetSummaryMetric counts): the mapping's numerical features
 * that hold numbers, its categorical features, and the other timestamp columns as datetime, whatever the data
 * definition says of them.
 */
export function processColumnTypes(
  mapping: ColumnMapping,
  frame: Frame,
): Record<string, 'num' | 'cat' | 'datetime'> {
  const types: Record<string, 'num' | 'cat' | 'datetime'> = {}
  const utility = new Set([mapping.target, mapping.prediction, mapping.datetime, mapping.id])
  for (const name of frame.names) {
    const kind = frame.columns[name]?.kind
    if (utility.has(name)) continue
    if (mapping.numericalFeatures.includes(name)) {
      if (kind === 'float64' || kind === 'int64' || kind === 'int32' || kind === 'null')
        types[name] = 'num'
    } else if (mapping.categoricalFeatures.includes(name)) types[name] = 'cat'
    else if (kind === 'timestamp_us') types[name] = 'datetime'
  }
  return types
}

function inferTask(
  reference: Frame,
  current: Frame,
  target: string | undefined,
  prediction: string | undefined,
): 'regression' | 'classification' | undefined {
  if (target !== undefined) {
    const column = reference.columns[target] ?? current.columns[target]
    if (column === undefined || column.kind === 'string' || column.kind === 'null')
      return 'classification'
    const distinct = new Set<number>()
    for (let i = 0; i < column.values.length; i++) {
      if (isNullAt(column, i)) continue
      distinct.add(column.values[i] as number)
      if (distinct.size > maxUniqueForCategoricalTarget) return 'regression'
    }
    return 'classification'
  }
  if (prediction !== undefined) {
    const kind = (reference.columns[prediction] ?? current.columns[prediction])?.kind
    return kind === 'string' || kind === 'bool' ? 'classification' : 'regression'
  }
  return undefined
}
