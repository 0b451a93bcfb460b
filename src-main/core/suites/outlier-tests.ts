import type { ColumnOutliers } from '../../shared/domain/explain'
import type { SuiteTestEntry } from '../../shared/domain/reports'
import { getNumericColumn } from '../data/frame'
import { columnOutliers, referenceOutlierProfile } from '../outliers/column-outliers'
import { formatGeneral } from './format-general'
import type { SuiteData } from './suite-data'
import type { SuiteOptions } from './suite-test'
import { conditionParameter, evaluateValueTest } from './suite-test'
import type { TestCondition } from './test-condition'

const group = 'data_quality'

/**
 * The automatic condition of TestShareOfOutliers (a driftdesk test; Evidently 0.4 has none): the window's
 * share of values outside the reference's Tukey fences may be at most twice the reference's own share,
 * and never less than 1 %. Skewed columns (fares, distances) already have 5–10 % of their reference
 * beyond the fences, so a fixed threshold would fail every day; doubling is a change an engineer wants to
 * see, and the 1 % floor keeps a column whose reference has no outliers from failing on one odd row.
 * @example outlierShareCondition(0.05) // { lte: 0.1 }; outlierShareCondition(0) // { lte: 0.01 }
 */
export function outlierShareCondition(referenceShare: number): TestCondition {
  return { lte: Math.max(2 * referenceShare, 0.01) }
}

/** Evaluates TestShareOfOutliers for one column's outlier numbers. */
export function evaluateOutlierShareTest(
  outliers: ColumnOutliers,
  options: SuiteOptions = {},
): { column: string; status: SuiteTestEntry['status']; description: string } {
  const entry = evaluateValueTest(
    {
      className: 'TestShareOfOutliers',
      column: outliers.column,
      name: 'Share of Outliers',
      group,
      value: outliers.outsideFencesShare,
      automaticCondition: outlierShareCondition(outliers.referenceOutsideFencesShare),
      describe: (v, c) =>
        `The share of values of **${outliers.column}** outside the reference's Tukey fences [${formatGeneral(outliers.lowerFence, 6)}, ${formatGeneral(outliers.upperFence, 6)}] is ${formatGeneral(v ?? Number.NaN, 3)} (the reference's own: ${formatGeneral(outliers.referenceOutsideFencesShare, 3)}). The test threshold is ${c}.`,
      parameters: (c) => ({
        ...conditionParameter(c),
        column_name: outliers.column,
        value: outliers.outsideFencesShare,
      }),
      errorMessage: `The column **${outliers.column}** has no values in the window.`,
    },
    options,
  )
  return { column: outliers.column, status: entry.status, description: entry.description }
}

/**
 * TestShareOfOutliers for every numerical feature of a suite's reference, as suite entries (so a preset
 * or the `explain` output can list them beside Evidently's tests).
 */
export function shareOfOutliersTests(data: SuiteData, options: SuiteOptions): SuiteTestEntry[] {
  return data.reference.mapping.numericalFeatures.flatMap((column) => {
    if (!data.current.names.includes(column)) return []
    const profile = referenceOutlierProfile(column, getNumericColumn(data.reference.frame, column))
    const outliers = columnOutliers(profile, getNumericColumn(data.current, column))
    const verdict = evaluateOutlierShareTest(outliers, options)
    return [
      {
        name: 'Share of Outliers',
        description: verdict.description,
        status: verdict.status,
        group,
        parameters: {
          ...conditionParameter(outlierShareCondition(outliers.referenceOutsideFencesShare)),
          column_name: column,
          value: outliers.outsideFencesShare,
        },
      },
    ]
  })
}
