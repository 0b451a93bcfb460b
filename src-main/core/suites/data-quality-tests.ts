import type { SuiteTestEntry } from '../../shared/domain/reports'
import type { Column } from '../data/frame'
import { getColumn, isNullAt } from '../data/frame'
import type { NumericCharacteristics } from '../quality/column-summary'
import { formatGeneral } from './format-general'
import type { SuiteData } from './suite-data'
import type { SuiteOptions } from './suite-test'
import { conditionParameter, evaluateValueTest, failureStatus } from './suite-test'
import { approx } from './test-condition'

const group = 'data_quality'

/** TestMostCommonValueShare per column: `eq approx(ref_share, relative=0.1)` (shares from ColumnSummaryMetric). */
export function mostCommonValueShareTests(
  data: SuiteData,
  options: SuiteOptions,
): SuiteTestEntry[] {
  return data.current.names.map((column) => {
    const current = data.currentColumnSummary(column).characteristics
    const share = data.current.rowCount === 0 ? null : current.most_common_percentage / 100
    const hasReference = data.reference.frame.names.includes(column)
    const referenceShare = hasReference
      ? data.reference.columnSummary(column).characteristics.most_common_percentage / 100
      : null
    return evaluateValueTest(
      {
        className: 'TestMostCommonValueShare',
        column,
        name: 'Share of the Most Common Value',
        group,
        value: share,
        automaticCondition:
          referenceShare === null ? { lt: 0.8 } : { eq: approx(referenceShare, { relative: 0.1 }) },
        describe: (v, c) =>
          `The most common value in the column **${column}** is ${String(current.most_common)}. Its share is ${formatGeneral(v ?? Number.NaN, 3)}. The test threshold is ${c}.`,
        parameters: (c) => ({ ...conditionParameter(c), column_name: column, value: share }),
      },
      options,
    )
  })
}

/**
 * TestMeanInNSigmas (n = 2) per numerical feature: strict `ref_mean − n·ref_std < cur_mean < ref_mean + n·ref_std`,
 * with the means and std as ColumnSummaryMetric rounds them (2 decimals).
 *
 * ERROR only where Evidently's `check()` raises (its TestSuite turns the exception into ERROR): a column missing
 * from either dataset, or a statistic that is None (no values: `None * n_sigmas` is a TypeError). A NaN or ±inf
 * statistic does not raise in Python: a one-row reference has std NaN (pandas ddof = 1), the comparisons are
 * False and Evidently reports FAIL "The expected range is from nan to nan"; this copies that.
 */
export function meanInNSigmasTests(
  data: SuiteData,
  options: SuiteOptions,
  nSigmas = 2,
): SuiteTestEntry[] {
  return data.reference.mapping.numericalFeatures.map((column) => {
    const name = 'Mean Value Stability'
    if (!data.current.names.includes(column) || !data.reference.frame.names.includes(column)) {
      return {
        name,
        description: `Column '${column}' is missing.`,
        status: 'ERROR',
        group,
        parameters: { column_name: column },
      }
    }
    const reference = data.reference.columnSummary(column).characteristics as NumericCharacteristics
    const current = data.currentColumnSummary(column).characteristics as NumericCharacteristics
    const { mean: referenceMean, std: referenceStd } = reference
    const currentMean = current.mean
    if (referenceMean === null || referenceStd === null || currentMean === null) {
      return {
        name,
        description: `The mean of the column **${column}** cannot be computed (no values).`,
        status: 'ERROR',
        group,
        parameters: { column_name: column },
      }
    }
    const low = referenceMean - nSigmas * referenceStd
    const high = referenceMean + nSigmas * referenceStd
    const passed = low < currentMean && currentMean < high
    return {
      name,
      description: `The mean value of the column **${column}** is ${formatGeneral(currentMean, 3)}. The expected range is from ${formatGeneral(low, 3)} to ${formatGeneral(high, 3)}`,
      status: passed ? 'SUCCESS' : failureStatus(options, 'TestMeanInNSigmas', column),
      group,
      parameters: {
        column_name: column,
        current_mean: currentMean,
        reference_mean: referenceMean,
        reference_std: referenceStd,
        n_sigmas: nSigmas,
      },
    }
  })
}

/**
 * TestShareOfOutRangeValues per numerical feature (TestNumColumnsOutOfRangeValues): the share of non-null current
 * values outside [reference min, reference max]; `eq approx(0)`.
 */
export function outOfRangeTests(data: SuiteData, options: SuiteOptions): SuiteTestEntry[] {
  return data.reference.mapping.numericalFeatures.map((column) => {
    const sorted = data.reference.frame.names.includes(column)
      ? data.reference.columnSummary(column).statistics.sortedValues
      : new Float64Array(0)
    const left = sorted.length > 0 ? (sorted[0] as number) : Number.NaN
    const right = sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN
    const { outside, total } = data.current.names.includes(column)
      ? countOutside(
          getColumn(data.current, column),
          data.current.rowCount,
          (v) => typeof v === 'number' && (v < left || v > right),
        )
      : { outside: 0, total: 0 }
    const share = total === 0 || sorted.length === 0 ? null : outside / total
    return evaluateValueTest(
      {
        className: 'TestShareOfOutRangeValues',
        column,
        name: 'Share of Out-of-Range Values',
        group,
        value: share,
        automaticCondition: { eq: approx(0) },
        describe: (v, c) =>
          `The share of values out of range in the column **${column}** is ${formatGeneral(v ?? Number.NaN, 3)} (${outside} out of ${total}). The test threshold is ${c}.`,
        parameters: (c) => ({ ...conditionParameter(c), column_name: column, left, right, share }),
        errorMessage: `Column '${column}' has no values to compare with the reference range.`,
      },
      options,
    )
  })
}

/**
 * TestShareOfOutListValues per categorical feature (TestCatColumnsOutOfListValues): the share of non-null current
 * values not seen in the reference; `eq approx(0)`.
 */
export function outOfListTests(data: SuiteData, options: SuiteOptions): SuiteTestEntry[] {
  return data.reference.mapping.categoricalFeatures.map((column) => {
    const known = data.reference.frame.names.includes(column)
      ? data.reference.columnSummary(column).statistics.distinctValues
      : new Set<number | string>()
    const { outside, total } = data.current.names.includes(column)
      ? countOutside(getColumn(data.current, column), data.current.rowCount, (v) => !known.has(v))
      : { outside: 0, total: 0 }
    const share = total === 0 ? null : outside / total
    return evaluateValueTest(
      {
        className: 'TestShareOfOutListValues',
        column,
        name: 'Share of Out-of-List Values',
        group,
        value: share,
        automaticCondition: { eq: approx(0) },
        describe: (v, c) =>
          `The share of values out of list in the column **${column}** is ${formatGeneral(v ?? Number.NaN, 3)} (${outside} out of ${total}). The test threshold is ${c}.`,
        parameters: (c) => ({ ...conditionParameter(c), column_name: column, share }),
        errorMessage: `Column '${column}' has no values to compare with the reference list.`,
      },
      options,
    )
  })
}

function countOutside(
  column: Column,
  rowCount: number,
  isOutside: (value: number | string) => boolean,
): { outside: number; total: number } {
  if (column.kind === 'null') return { outside: 0, total: 0 }
  let outside = 0
  let total = 0
  for (let i = 0; i < rowCount; i++) {
    if (isNullAt(column, i)) continue
    total++
    if (isOutside(column.values[i] as number | string)) outside++
  }
  return { outside, total }
}
