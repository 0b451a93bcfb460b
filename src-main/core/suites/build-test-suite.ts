import type {
  SuiteTestEntry,
  TestSuiteDocument,
  TestSuitePresetName,
} from '../../shared/domain/reports'
import type { Frame } from '../data/frame'
import {
  noRegressionPairsMessage,
  regressionPairs,
  regressionQuality,
} from '../quality/regression-quality'
import { driftTableColumns, driftTestColumns } from '../reports/column-mapping'
import type { DataDriftOptions, DriftComputation } from '../reports/data-drift-table'
import { computeDataDrift } from '../reports/data-drift-table'
import type { ReferenceProfile } from '../reports/reference-profile'
import { columnDriftTest, shareOfDriftedColumnsTest } from './data-drift-tests'
import {
  columnShareOfMissingValuesTests,
  columnsTypeTest,
  datasetCountTest,
  numberOfColumnsTest,
  numberOfRowsTest,
} from './data-integrity-tests'
import {
  meanInNSigmasTests,
  mostCommonValueShareTests,
  outOfListTests,
  outOfRangeTests,
} from './data-quality-tests'
import { shareOfOutliersTests } from './outlier-tests'
import { regressionTests } from './regression-tests'
import { createSuiteData } from './suite-data'
import type { SuiteOptions } from './suite-test'
import { summarizeTests } from './suite-test'

export interface TestSuiteOptions extends SuiteOptions {
  readonly drift?: DataDriftOptions
  /** Also run driftdesk's TestShareOfOutliers per numerical feature (issue #13; not an Evidently test). */
  readonly outliers?: boolean
}

/**
 * Runs one of Evidently 0.4's test presets on a current dataset against a profiled reference and returns
 * `TestSuite.as_dict()`:
 * - `data-drift` (DataDriftTestPreset): TestShareOfDriftedColumns (lt 0.3), TestColumnDrift for target and
 *   prediction, then every categorical and numerical feature;
 * - `data-quality`: TestColumnShareOfMissingValues and TestMostCommonValueShare for every column,
 *   TestNumberOfConstantColumns, TestNumberOfDuplicatedColumns, TestNumberOfDuplicatedRows;
 * - `data-stability`: rows, columns, column types, missing shares, out-of-range (numerical features),
 *   out-of-list (categorical features), mean within 2 sigmas (numerical features);
 * - `no-target`: prediction drift, share of drifted columns, then data-stability's tests without rows/columns;
 * - `regression`: ME, MAE, RMSE, MAPE (needs target and prediction).
 * Conditions come from the reference exactly as spec 1.9 tabulates them, unless the user gives one.
 * @throws {RangeError} (regression) when the mapping has no target or prediction. Data with no complete
 *   target/prediction pair gives ERROR tests, not a throw.
 */
export function buildTestSuite(
  preset: TestSuitePresetName,
  profile: ReferenceProfile,
  current: Frame,
  options: TestSuiteOptions = {},
): TestSuiteDocument {
  const data = createSuiteData(profile, current)
  const tests: SuiteTestEntry[] = []
  const drift = (): DriftComputation =>
    computeDataDrift(profile, current, driftTableColumns(profile.mapping), {
      ...options.drift,
      skipDistributions: true,
    })
  const stability = (): SuiteTestEntry[] => [
    columnsTypeTest(data, options),
    ...columnShareOfMissingValuesTests(data, options),
    ...outOfRangeTests(data, options),
    ...outOfListTests(data, options),
    ...meanInNSigmasTests(data, options),
  ]
  switch (preset) {
    case 'data-drift': {
      const computed = drift()
      tests.push(shareOfDriftedColumnsTest(computed, options))
      for (const { name } of driftTestColumns(profile.mapping))
        tests.push(columnDriftTest(computed, name, options))
      break
    }
    case 'data-quality':
      tests.push(
        ...columnShareOfMissingValuesTests(data, options),
        ...mostCommonValueShareTests(data, options),
        datasetCountTest('number_of_constant_columns', data, options),
        datasetCountTest('number_of_duplicated_columns', data, options),
        datasetCountTest('number_of_duplicated_rows', data, options),
      )
      break
    case 'data-stability':
      tests.push(
        numberOfRowsTest(data, options),
        numberOfColumnsTest(data, options),
        ...stability(),
      )
      break
    case 'no-target': {
      const computed = drift()
      const prediction = profile.mapping.prediction
      if (prediction !== undefined) tests.push(columnDriftTest(computed, prediction, options))
      tests.push(shareOfDriftedColumnsTest(computed, options), ...stability())
      break
    }
    case 'regression': {
      const { target, prediction } = profile.mapping
      if (target === undefined || prediction === undefined) {
        throw new RangeError(
          'RegressionTestPreset needs a target and a prediction column in the column mapping.',
        )
      }
      const pairs = regressionPairs(current, target, prediction)
      const quality =
        pairs.target.length === 0
          ? null
          : regressionQuality(pairs, { target, prediction }, profile.regressionScalars())
      tests.push(...regressionTests(quality, options, noRegressionPairsMessage(target, prediction)))
      break
    }
  }
  if (options.outliers === true) tests.push(...shareOfOutliersTests(data, options))
  return { tests, summary: summarizeTests(tests) }
}
