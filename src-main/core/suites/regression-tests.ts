import type { SuiteTestEntry } from '../../shared/domain/reports'
import type { RegressionQualityResult } from '../quality/regression-quality'
import { formatGeneral } from './format-general'
import type { SuiteOptions } from './suite-test'
import { conditionParameter, evaluateValueTest } from './suite-test'
import type { TestCondition } from './test-condition'
import { approx } from './test-condition'

const group = 'regression'

const testNames = [
  { className: 'TestValueMeanError', name: 'Mean Error (ME)' },
  { className: 'TestValueMAE', name: 'Mean Absolute Error (MAE)' },
  { className: 'TestValueRMSE', name: 'Root Mean Square Error (RMSE)' },
  { className: 'TestValueMAPE', name: 'Mean Absolute Percentage Error (MAPE)' },
] as const

/**
 * RegressionTestPreset (`tests/regression_performance_tests.py`): TestValueMeanError (`eq approx(0,
 * absolute=0.1·me_default_sigma)`), TestValueMAE / TestValueRMSE / TestValueMAPE (`eq approx(ref, relative=0.1)`
 * with a reference, else `lt` the dummy model's value). `quality` null (no complete pair) makes all four ERROR
 * with `errorMessage`.
 */
export function regressionTests(
  quality: RegressionQualityResult | null,
  options: SuiteOptions,
  errorMessage = 'Regression quality cannot be computed.',
): SuiteTestEntry[] {
  if (quality === null) {
    // No complete target/prediction pair (e.g. a day whose durations are all null): every test is ERROR
    // with the reason, instead of one throw that loses the whole suite.
    return testNames.map(({ className, name }) =>
      evaluateValueTest(
        {
          className,
          name,
          group,
          value: null,
          automaticCondition: null,
          describe: () => errorMessage,
          parameters: (c) => ({ ...conditionParameter(c), value: null }),
          errorMessage,
        },
        options,
      ),
    )
  }
  const reference = quality.reference
  const tests: {
    className: string
    name: string
    short: string
    value: number
    automatic: TestCondition
  }[] = [
    {
      className: 'TestValueMeanError',
      name: 'Mean Error (ME)',
      short: 'ME',
      value: quality.current.mean_error,
      automatic: { eq: approx(0, { absolute: 0.1 * quality.me_default_sigma }) },
    },
    {
      className: 'TestValueMAE',
      name: 'Mean Absolute Error (MAE)',
      short: 'MAE',
      value: quality.current.mean_abs_error,
      automatic:
        reference === null
          ? { lt: quality.mean_abs_error_default }
          : { eq: approx(reference.mean_abs_error, { relative: 0.1 }) },
    },
    {
      className: 'TestValueRMSE',
      name: 'Root Mean Square Error (RMSE)',
      short: 'RMSE',
      value: quality.current.rmse,
      automatic:
        reference === null
          ? { lt: quality.rmse_default }
          : { eq: approx(reference.rmse, { relative: 0.1 }) },
    },
    {
      className: 'TestValueMAPE',
      name: 'Mean Absolute Percentage Error (MAPE)',
      short: 'MAPE',
      value: quality.current.mean_abs_perc_error,
      automatic:
        reference === null
          ? { lt: quality.mean_abs_perc_error_default }
          : { eq: approx(reference.mean_abs_perc_error, { relative: 0.1 }) },
    },
  ]
  return tests.map((test) =>
    evaluateValueTest(
      {
        className: test.className,
        name: test.name,
        group,
        value: test.value,
        automaticCondition: test.automatic,
        describe: (v, c) =>
          `The ${test.short} is ${formatGeneral(v ?? Number.NaN, 3)}. The test threshold is ${c}.`,
        parameters: (c) => ({ ...conditionParameter(c), value: test.value }),
      },
      options,
    ),
  )
}
