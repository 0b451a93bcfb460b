import type { SuiteTestEntry } from '../../shared/domain/reports'
import { numpyRound } from '../quality/numpy-round'
import type { DriftComputation } from '../reports/data-drift-table'
import { formatGeneral } from './format-general'
import { pythonFloatText } from './python-float-text'
import type { SuiteOptions } from './suite-test'
import { evaluateValueTest, failureStatus } from './suite-test'
import type { TestCondition } from './test-condition'
import { conditionToJson } from './test-condition'

const group = 'data_drift'

/** Evidently's TestShareOfDriftedColumns default: `lt 0.3` (the Report preset's 0.5 does not apply here). */
const defaultTestDriftShare = 0.3

/**
 * TestShareOfDriftedColumns (`tests/data_drift_tests.py`): the share of drifted columns, `lt drift_share`
 * (0.3 unless given); parameters list every column's stattest, score (rounded to 3 decimals as Evidently
 * prints it), threshold and decision, in DataDriftTable order.
 * @example on 2022-02-01: 6 of 7 drifted → FAIL, "The drift is detected for 85.7% features (6 out of 7)."
 */
export function shareOfDriftedColumnsTest(
  drift: DriftComputation,
  options: SuiteOptions,
): SuiteTestEntry {
  // Keyed by column names from the data: no prototype, so a column named '__proto__' is a key.
  const features: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [name, entry] of Object.entries(drift.table.drift_by_columns)) {
    features[name] = {
      stattest: entry.stattest_name,
      score: entry.drift_score === null ? null : numpyRound(entry.drift_score, 3),
      threshold: entry.stattest_threshold,
      detected: entry.drift_detected,
      ...(entry.error === undefined ? {} : { error: entry.error }),
    }
  }
  const { number_of_drifted_columns: drifted, number_of_columns: total } = drift.dataset
  const automatic: TestCondition = { lt: options.driftShare ?? defaultTestDriftShare }
  return evaluateValueTest(
    {
      className: 'TestShareOfDriftedColumns',
      name: 'Share of Drifted Columns',
      group,
      value: total === 0 ? null : drift.dataset.share_of_drifted_columns,
      automaticCondition: automatic,
      describe: (value, condition) =>
        `The drift is detected for ${formatGeneral((value ?? Number.NaN) * 100, 3)}% features (${drifted} out of ${total}). The test threshold is ${condition}`,
      parameters: (condition) => ({
        ...(condition === null ? {} : { condition: conditionToJson(condition) }),
        features,
      }),
      errorMessage: 'No column could be checked for drift.',
    },
    options,
  )
}

/**
 * TestColumnDrift for one column (Evidently prints the score rounded to 3 decimals, then with `.3g`): FAIL iff drift is detected (WARNING when non-critical), ERROR when the
 * column's drift could not be computed.
 * @example "The drift score for the feature **prediction** is 0.189. The drift detection method is Wasserstein
 *   distance (normed). The drift detection threshold is 0.1."
 */
export function columnDriftTest(
  drift: DriftComputation,
  column: string,
  options: SuiteOptions,
): SuiteTestEntry {
  const entry = drift.table.drift_by_columns[column]
  const name = 'Drift per Column'
  if (entry === undefined || entry.drift_score === null || entry.error !== undefined) {
    return {
      name,
      description: entry?.error ?? `Column '${column}' was not checked for drift.`,
      status: 'ERROR',
      group,
      parameters: { column_name: column },
    }
  }
  return {
    name,
    description: `The drift score for the feature **${column}** is ${formatGeneral(numpyRound(entry.drift_score, 3), 3)}. The drift detection method is ${entry.stattest_name}. The drift detection threshold is ${pythonFloatText(entry.stattest_threshold)}.`,
    status:
      entry.drift_detected === true ? failureStatus(options, 'TestColumnDrift', column) : 'SUCCESS',
    group,
    parameters: {
      stattest: entry.stattest_name,
      score: numpyRound(entry.drift_score, 3),
      threshold: entry.stattest_threshold,
      detected: entry.drift_detected,
      column_name: column,
    },
  }
}
