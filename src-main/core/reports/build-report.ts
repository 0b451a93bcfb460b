import type {
  ReportDocument,
  ReportMetricEntry,
  ReportPresetName,
} from '../../shared/domain/reports'
import type { Frame } from '../data/frame'
import { getColumn } from '../data/frame'
import { columnQuantile } from '../quality/column-quantile'
import type { ColumnSummary } from '../quality/column-summary'
import type { CorrelationColumns } from '../quality/dataset-correlations'
import { summarizeColumn } from '../quality/column-summary'
import { datasetMissingValues } from '../quality/dataset-missing-values'
import { datasetCorrelation } from '../quality/dataset-correlations'
import { almostDuplicatedThreshold, summarizeDataset } from '../quality/dataset-summary'
import { regressionBySegment } from '../quality/regression-by-segment'
import { regressionErrorBias } from '../quality/regression-error-bias'
import {
  noRegressionPairsMessage,
  regressionPairs,
  regressionQuality,
} from '../quality/regression-quality'
import { TARGET_COLUMN } from '../pipeline/course-columns'
import { driftTableColumns, processColumnTypes } from './column-mapping'
import type { DataDriftOptions } from './data-drift-table'
import { computeDataDrift } from './data-drift-table'
import type { ReferenceProfile } from './reference-profile'
import { resolveColumnType, roles } from './reference-profile'
import type { SmallDistribution } from './small-distribution'
import { numericSmallDistribution } from './small-distribution'

/** What a report may add to its preset. */
export interface ReportOptions {
  readonly drift?: DataDriftOptions
  /** Extra ColumnQuantileMetric entries (the 2024 homework: fare_amount at 0.5). */
  readonly quantiles?: readonly { readonly column: string; readonly quantile: number }[]
  /** Regression preset: also break the error down by these columns (a timestamp column → hour of day). */
  readonly segmentBy?: readonly string[]
}

/** Categories kept in a categorical column's plot data (the rest are summed into "other"). */
const maxPlotCategories = 20

/**
 * A report for one current dataset against a profiled reference, as Evidently 0.4's `Report(metrics=[Preset()])
 * .as_dict()` prints it:
 * - `data-drift`: DatasetDriftMetric + DataDriftTable over the mapping's drift columns;
 * - `data-quality`: DatasetSummaryMetric, ColumnSummaryMetric for every column, DatasetMissingValuesMetric;
 * - `course`: the course's own report (`evidently_metrics_calculation.py`): ColumnDriftMetric('prediction'),
 *   DatasetDriftMetric and DatasetMissingValuesMetric over every current column except the target (the course's
 *   current frame has no `duration_min`);
 * - `regression`: RegressionQualityMetric (needs the mapping's target and prediction), plus driftdesk's
 *   RegressionPerformanceBySegment for each `segmentBy` column.
 * `quantiles` add ColumnQuantileMetric entries to any preset.
 * Results use Evidently's metric class names and field names; driftdesk's additions carry their own names.
 * @throws {RangeError} on a column that does not exist or (regression) a missing target/prediction.
 */
export function buildReport(
  preset: ReportPresetName,
  profile: ReferenceProfile,
  current: Frame,
  options: ReportOptions = {},
): ReportDocument {
  const metrics: ReportMetricEntry[] = []
  if (preset === 'data-drift') {
    const drift = computeDataDrift(
      profile,
      current,
      driftTableColumns(profile.mapping),
      options.drift,
    )
    metrics.push({ metric: 'DatasetDriftMetric', result: { ...drift.dataset } })
    metrics.push({ metric: 'DataDriftTable', result: { ...drift.table } })
  } else if (preset === 'course') {
    metrics.push(...courseMetrics(profile, current, options.drift))
  } else if (preset === 'data-quality') {
    metrics.push(...dataQualityMetrics(profile, current))
  } else {
    metrics.push(...regressionMetrics(profile, current, options.segmentBy ?? []))
  }
  for (const { column, quantile } of options.quantiles ?? []) {
    metrics.push({
      metric: 'ColumnQuantileMetric',
      result: { ...columnQuantile(current, column, quantile, profile.frame) },
    })
  }
  return { metrics }
}

function dataQualityMetrics(profile: ReferenceProfile, current: Frame): ReportMetricEntry[] {
  const metrics: ReportMetricEntry[] = [
    {
      metric: 'DatasetSummaryMetric',
      result: {
        almost_duplicated_threshold: almostDuplicatedThreshold,
        current: summarizeDataset(
          current,
          processColumnTypes(profile.mapping, current),
          roles(profile.mapping),
        ),
        reference: profile.datasetSummary(),
      },
    },
  ]
  for (const name of dataDefinitionColumns(profile, current))
    metrics.push({
      metric: 'ColumnSummaryMetric',
      result: columnSummaryResult(profile, current, name),
    })
  metrics.push({
    metric: 'DatasetMissingValuesMetric',
    result: { current: datasetMissingValues(current), reference: profile.missingValues() },
  })
  const columns = correlationColumnsOf(profile, current)
  metrics.push({
    metric: 'DatasetCorrelationsMetric',
    result: {
      current: datasetCorrelation(current, columns),
      reference: profile.correlations(columns),
    },
  })
  return metrics
}

/**
 * The columns of Evidently's data definition in its order (`DataDefinition.get_columns()`, the id column
 * skipped, as DataQualityPreset's ColumnSummaryMetric generator does): the datetime column, target,
 * prediction, numerical then categorical features in mapping order, then the other timestamp columns
 * (datetime features). Columns the mapping leaves out are not described, as in Evidently.
 */
export function dataDefinitionColumns(profile: ReferenceProfile, current: Frame): string[] {
  const { mapping } = profile
  const present = (name: string): boolean =>
    current.names.includes(name) || profile.frame.names.includes(name)
  const utility = [mapping.datetime, mapping.target, mapping.prediction].filter(
    (name): name is string => name !== undefined,
  )
  const listed = new Set([...utility, ...mapping.numericalFeatures, ...mapping.categoricalFeatures])
  if (mapping.id !== undefined) listed.add(mapping.id)
  // Unlisted timestamp columns are datetime features only when both datasets have them (Evidently skips a
  // partially present column).
  const timestamps = current.names.filter(
    (name) =>
      !listed.has(name) &&
      current.columns[name]?.kind === 'timestamp_us' &&
      profile.frame.columns[name]?.kind === 'timestamp_us',
  )
  const ordered = [
    ...utility,
    ...mapping.numericalFeatures,
    ...mapping.categoricalFeatures,
    ...timestamps.sort(),
  ]
  return [...new Set(ordered)].filter(present)
}

/**
 * The columns Evidently's data definition hands the correlation matrices: the mapped target, prediction and
 * features present in both datasets, split by their type.
 */
function correlationColumnsOf(profile: ReferenceProfile, current: Frame): CorrelationColumns {
  const { mapping } = profile
  const candidates = [
    mapping.target,
    mapping.prediction,
    ...mapping.numericalFeatures,
    ...mapping.categoricalFeatures,
  ].filter(
    (name): name is string =>
      name !== undefined && current.names.includes(name) && profile.frame.names.includes(name),
  )
  const numerical: string[] = []
  const categorical: string[] = []
  for (const name of new Set(candidates)) {
    const type = profile.columnType(name)
    if (type === 'num') numerical.push(name)
    else if (type === 'cat') categorical.push(name)
  }
  return {
    numerical,
    categorical,
    ...(mapping.target === undefined ? {} : { target: mapping.target }),
    ...(mapping.prediction === undefined ? {} : { prediction: mapping.prediction }),
  }
}

/** ColumnSummaryMetric's result for one column, with histogram / top-category plot data. */
function columnSummaryResult(
  profile: ReferenceProfile,
  current: Frame,
  name: string,
): Record<string, unknown> {
  const inReference = profile.frame.names.includes(name)
  const inCurrent = current.names.includes(name)
  const type = resolveColumnType(profile, current, name)
  const reference = inReference ? profile.columnSummary(name) : null
  if (!inCurrent) {
    return {
      column_name: name,
      column_type: type,
      reference_characteristics: reference?.characteristics ?? null,
      current_characteristics: null,
      error: `Column '${name}' is not in the current data.`,
    }
  }
  const summary = summarizeColumn(
    getColumn(current, name),
    current.rowCount,
    type,
    reference?.statistics,
  )
  return {
    column_name: name,
    column_type: type,
    reference_characteristics: reference?.characteristics ?? null,
    current_characteristics: summary.characteristics,
    plot_data: plotData(summary, reference),
  }
}

function plotData(
  current: ColumnSummary,
  reference: ColumnSummary | null,
): Record<string, SmallDistribution | null> {
  if (current.column_type === 'cat') {
    const totals = new Map<number | string, number>()
    for (const [value, count] of current.statistics.valueCounts) totals.set(value, count)
    for (const [value, count] of reference?.statistics.valueCounts ?? [])
      totals.set(value, (totals.get(value) ?? 0) + count)
    const keys = [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, maxPlotCategories)
      .map(([key]) => key)
    const side = (summary: ColumnSummary): SmallDistribution => ({
      x: keys,
      y: keys.map((key) => summary.statistics.valueCounts.get(key) ?? 0),
    })
    return { current: side(current), reference: reference === null ? null : side(reference) }
  }
  const finite = (summary: ColumnSummary): Float64Array =>
    summary.statistics.sortedValues.filter(Number.isFinite)
  return {
    current: numericSmallDistribution(finite(current)),
    reference: reference === null ? null : numericSmallDistribution(finite(reference)),
  }
}

/**
 * The metrics of Evidently 0.4's RegressionPreset, in its order. Its plot-only metrics print an empty result in
 * `as_dict()`, and RegressionErrorBiasTable prints its raw-data-off placeholder; driftdesk keeps its own plot
 * data on RegressionErrorDistribution (`current_bins`/`reference_bins`, dropped by `evidentlyAsDict`).
 */
const regressionPlotMetrics = [
  'RegressionPredictedVsActualScatter',
  'RegressionPredictedVsActualPlot',
  'RegressionErrorPlot',
  'RegressionAbsPercentageErrorPlot',
] as const

function regressionMetrics(
  profile: ReferenceProfile,
  current: Frame,
  segmentBy: readonly string[],
): ReportMetricEntry[] {
  const { target, prediction } = profile.mapping
  if (target === undefined || prediction === undefined) {
    throw new RangeError(
      'The regression report needs a target and a prediction column in the column mapping.',
    )
  }
  const pairs = regressionPairs(current, target, prediction)
  if (pairs.target.length === 0) {
    // One day without a single complete pair must not sink the report (or a backfill of many days).
    const error = noRegressionPairsMessage(target, prediction)
    return [
      'RegressionQualityMetric',
      'RegressionErrorDistribution',
      ...segmentBy.map(() => 'RegressionPerformanceBySegment'),
    ].map((metric) => ({ metric, result: { error } }))
  }
  const columns = datasetColumns(profile, current)
  const quality = regressionQuality(pairs, columns, profile.regressionScalars())
  const errorBias = regressionErrorBias(
    current,
    target,
    prediction,
    columns.num_feature_names,
    columns.cat_feature_names,
    'current_',
  )
  if (profile.frame.names.includes(target) && profile.frame.names.includes(prediction)) {
    const referenceBias = regressionErrorBias(
      profile.frame,
      target,
      prediction,
      columns.num_feature_names.filter((name) => profile.frame.names.includes(name)),
      columns.cat_feature_names.filter((name) => profile.frame.names.includes(name)),
      'ref_',
    )
    for (const [name, bias] of Object.entries(referenceBias))
      errorBias[name] = { ...(errorBias[name] ?? {}), ...bias }
  }
  const metrics: ReportMetricEntry[] = [
    { metric: 'RegressionQualityMetric', result: { ...quality, error_bias: errorBias } },
    ...regressionPlotMetrics.map((metric) => ({ metric, result: {} })),
  ]
  const errors = new Float64Array(pairs.target.length)
  for (let i = 0; i < errors.length; i++)
    errors[i] = (pairs.prediction[i] as number) - (pairs.target[i] as number)
  const referencePairs =
    profile.frame.names.includes(target) && profile.frame.names.includes(prediction)
      ? regressionPairs(profile.frame, target, prediction)
      : null
  const referenceErrors =
    referencePairs === null || referencePairs.target.length === 0
      ? null
      : referencePairs.prediction.map((p, i) => p - (referencePairs.target[i] as number))
  metrics.push({
    metric: 'RegressionErrorDistribution',
    result: {
      current_bins: numericSmallDistribution(errors, 20),
      reference_bins:
        referenceErrors === null ? null : numericSmallDistribution(referenceErrors, 20),
    },
  })
  metrics.push({ metric: 'RegressionErrorNormality', result: {} })
  metrics.push({ metric: 'RegressionTopErrorMetric', result: {} })
  metrics.push({
    metric: 'RegressionErrorBiasTable',
    result: {
      top_error: -1,
      target_name: '',
      prediction_name: '',
      num_feature_names: [],
      cat_feature_names: [],
      error_bias: null,
      columns: null,
    },
  })
  for (const column of segmentBy) {
    metrics.push({
      metric: 'RegressionPerformanceBySegment',
      result: { ...regressionBySegment(current, target, prediction, column) },
    })
  }
  return metrics
}

/** Evidently's `DatasetColumns` (`process_columns` on the current data) as `as_dict()` prints it. */
export interface DatasetColumnsInfo {
  readonly utility_columns: {
    readonly date: string | null
    readonly id: string | null
    readonly target: string | null
    readonly prediction: string | null
  }
  readonly num_feature_names: string[]
  readonly cat_feature_names: string[]
  readonly text_feature_names: string[]
  readonly datetime_feature_names: string[]
  readonly target_names: null
}

/**
 * `process_columns(current, mapping)`: utility columns present in the current data; numerical features that
 * are present and numeric, sorted by name (Evidently goes through a set and sorts); categorical features in
 * mapping order; timestamp columns that are not the datetime column as datetime features.
 */
function datasetColumns(profile: ReferenceProfile, current: Frame): DatasetColumnsInfo {
  const { mapping } = profile
  const present = (name: string | undefined): string | null =>
    name !== undefined && current.names.includes(name) ? name : null
  const utility = new Set(
    [mapping.target, mapping.prediction, mapping.datetime, mapping.id].filter(
      (name): name is string => name !== undefined,
    ),
  )
  const isNumeric = (name: string): boolean => {
    const kind = current.columns[name]?.kind
    return kind === 'float64' || kind === 'int64' || kind === 'int32' || kind === 'null'
  }
  return {
    utility_columns: {
      date: present(mapping.datetime),
      id: mapping.id ?? null,
      target: present(mapping.target),
      prediction: present(mapping.prediction),
    },
    num_feature_names: mapping.numericalFeatures
      .filter((name) => current.names.includes(name) && isNumeric(name))
      .sort(),
    cat_feature_names: mapping.categoricalFeatures.filter((name) => current.names.includes(name)),
    text_feature_names: [],
    datetime_feature_names: current.names
      .filter((name) => current.columns[name]?.kind === 'timestamp_us' && !utility.has(name))
      .sort(),
    target_names: null,
  }
}

function courseMetrics(
  profile: ReferenceProfile,
  current: Frame,
  drift: DataDriftOptions | undefined,
): ReportMetricEntry[] {
  const computed = computeDataDrift(profile, current, driftTableColumns(profile.mapping), drift)
  const metrics: ReportMetricEntry[] = []
  const prediction = profile.mapping.prediction
  const entry = prediction === undefined ? undefined : computed.table.drift_by_columns[prediction]
  if (entry !== undefined) metrics.push({ metric: 'ColumnDriftMetric', result: { ...entry } })
  metrics.push({ metric: 'DatasetDriftMetric', result: { ...computed.dataset } })
  // The day's frame carries the duration (known after the trip); the course's frame did not.
  const target = profile.mapping.target ?? TARGET_COLUMN
  const withoutTarget: Frame = current.names.includes(target)
    ? { ...current, names: current.names.filter((name) => name !== target) }
    : current
  metrics.push({
    metric: 'DatasetMissingValuesMetric',
    result: { current: datasetMissingValues(withoutTarget), reference: profile.missingValues() },
  })
  return metrics
}
