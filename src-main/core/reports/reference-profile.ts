import type { Frame } from '../data/frame'
import { getColumn } from '../data/frame'
import { cleanDriftSeries } from '../drift/drift-series'
import type { DriftSeries } from '../drift/stattests/stat-test'
import type { ColumnSummary } from '../quality/column-summary'
import { summarizeColumn } from '../quality/column-summary'
import type { CorrelationColumns, DatasetCorrelation } from '../quality/dataset-correlations'
import { datasetCorrelation } from '../quality/dataset-correlations'
import type { DatasetMissingValues } from '../quality/dataset-missing-values'
import { datasetMissingValues } from '../quality/dataset-missing-values'
import type { DatasetSummary } from '../quality/dataset-summary'
import { summarizeDataset } from '../quality/dataset-summary'
import type { SummaryColumnType } from '../quality/infer-column-type'
import { inferColumnType } from '../quality/infer-column-type'
import type { RegressionScalars } from '../quality/regression-quality'
import { regressionPairs, regressionScalars } from '../quality/regression-quality'
import type { ColumnMapping } from './column-mapping'
import { processColumnTypes } from './column-mapping'
import type { SmallDistribution } from './small-distribution'
import { countValues, numericSmallDistribution } from './small-distribution'

/**
 * Statistics of one reference dataset, each computed on first use and kept: cleaned drift samples (the very
 * arrays the stattests cache their sorted values and counts against), histograms, column and dataset
 * summaries, missing values, regression scalars. Build one per reference and pass it to every day's report
 * and test suite, so a month of reports costs little more than its current data
 * (https://github.com/evidentlyai/evidently/issues/506).
 */
export interface ReferenceProfile {
  readonly frame: Frame
  readonly mapping: ColumnMapping
  /** Evidently's column type (mapping first, then dtype rules) for every reference column. */
  columnType(column: string): SummaryColumnType
  driftSeries(column: string): DriftSeries
  numericSmallDistribution(column: string): SmallDistribution
  /** Value → count of the cleaned drift sample (categorical small distributions). */
  categoryCounts(column: string): ReadonlyMap<number | string, number>
  columnSummary(column: string): ColumnSummary
  datasetSummary(): DatasetSummary
  missingValues(): DatasetMissingValues
  /** DatasetCorrelationsMetric's statistics of the reference over these columns. */
  correlations(columns: CorrelationColumns): DatasetCorrelation
  /** Null when the reference lacks the target or the prediction, or has no complete pair. */
  regressionScalars(): RegressionScalars | null
}

/**
 * Creates the lazy statistics holder for `frame` under `mapping`.
 * @example const profile = createReferenceProfile(reference, courseDriftMapping); profile.driftSeries('prediction')
 */
export function createReferenceProfile(frame: Frame, mapping: ColumnMapping): ReferenceProfile {
  const memo = new Map<string, unknown>()
  const remember = <T>(key: string, compute: () => T): T => {
    if (memo.has(key)) return memo.get(key) as T
    const value = compute()
    memo.set(key, value)
    return value
  }
  const columnType = (column: string): SummaryColumnType =>
    remember(`type:${column}`, () =>
      inferColumnType(getColumn(frame, column), mappedType(mapping, column)),
    )
  const profile: ReferenceProfile = {
    frame,
    mapping,
    columnType,
    driftSeries: (column) =>
      remember(`drift:${column}`, () => cleanDriftSeries(getColumn(frame, column))),
    numericSmallDistribution: (column) =>
      remember(`hist:${column}`, () => {
        const series = profile.driftSeries(column)
        return series instanceof Float64Array ? numericSmallDistribution(series) : { x: [], y: [] }
      }),
    categoryCounts: (column) =>
      remember(`counts:${column}`, () => countValues(profile.driftSeries(column))),
    columnSummary: (column) =>
      remember(`summary:${column}`, () =>
        summarizeColumn(getColumn(frame, column), frame.rowCount, columnType(column)),
      ),
    datasetSummary: () =>
      remember('dataset-summary', () =>
        summarizeDataset(frame, processColumnTypes(mapping, frame), roles(mapping)),
      ),
    missingValues: () => remember('missing', () => datasetMissingValues(frame)),
    correlations: (columns) =>
      remember(`correlations:${JSON.stringify(columns)}`, () => datasetCorrelation(frame, columns)),
    regressionScalars: () =>
      remember('regression', () => {
        if (mapping.target === undefined || mapping.prediction === undefined) return null
        if (!frame.names.includes(mapping.target) || !frame.names.includes(mapping.prediction))
          return null
        const pairs = regressionPairs(frame, mapping.target, mapping.prediction)
        return pairs.target.length === 0 ? null : regressionScalars(pairs)
      }),
  }
  return profile
}

/** The type the mapping gives a column: target and prediction are numerical (regression), features as listed. */
function mappedType(mapping: ColumnMapping, column: string): 'num' | 'cat' | undefined {
  if (column === mapping.target || column === mapping.prediction)
    return mapping.task === 'classification' ? 'cat' : 'num'
  // An inferred feature is typed by the dtype rules, as Evidently's data definition types it.
  if (mapping.numericalFeatures.includes(column))
    return mapping.inferred?.numerical ? undefined : 'num'
  if (mapping.categoricalFeatures.includes(column))
    return mapping.inferred?.categorical ? undefined : 'cat'
  return undefined
}

/**
 * The summary type of a column in a report or suite: the reference's (Evidently's data definition is built
 * from the reference), else, for a column only the current data has, the mapping's type or the dtype rules
 * applied to the current column. Reports and suites both use this, so a current-only column gets one type.
 * @throws {RangeError} when neither dataset has the column.
 * @example resolveColumnType(profile, current, 'fare_amount') // 'num'
 */
export function resolveColumnType(
  profile: ReferenceProfile,
  current: Frame,
  column: string,
): SummaryColumnType {
  return profile.frame.names.includes(column)
    ? profile.columnType(column)
    : inferColumnType(getColumn(current, column), mappedType(profile.mapping, column))
}

/** The mapping's roles in the shape DatasetSummary reports them. */
export function roles(mapping: ColumnMapping): {
  target?: string
  prediction?: string
  datetime?: string
  id?: string
} {
  return {
    ...(mapping.id === undefined ? {} : { id: mapping.id }),
    ...(mapping.target === undefined ? {} : { target: mapping.target }),
    ...(mapping.prediction === undefined ? {} : { prediction: mapping.prediction }),
    ...(mapping.datetime === undefined ? {} : { datetime: mapping.datetime }),
  }
}
