import type { SuiteTestEntry } from '../../shared/domain/reports'
import type { DatasetSummary } from '../quality/dataset-summary'
import { formatGeneral } from './format-general'
import type { SuiteData } from './suite-data'
import type { SuiteOptions } from './suite-test'
import { conditionParameter, evaluateValueTest, failureStatus } from './suite-test'
import { approx } from './test-condition'

const group = 'data_integrity'

/** TestNumberOfRows: `eq approx(ref_rows, relative=0.1)` with a reference, else `gt 30`. */
export function numberOfRowsTest(data: SuiteData, options: SuiteOptions): SuiteTestEntry {
  const value = data.current.rowCount
  return evaluateValueTest(
    {
      className: 'TestNumberOfRows',
      name: 'Number of Rows',
      group,
      value,
      automaticCondition: { eq: approx(data.reference.frame.rowCount, { relative: 0.1 }) },
      describe: (v, c) => `The number of rows is ${v}. The test threshold is ${c}.`,
      parameters: (c) => ({ ...conditionParameter(c), number_of_rows: value }),
    },
    options,
  )
}

/** TestNumberOfColumns: `eq ref_columns` with a reference, else `gt 0`. */
export function numberOfColumnsTest(data: SuiteData, options: SuiteOptions): SuiteTestEntry {
  const value = data.current.names.length
  return evaluateValueTest(
    {
      className: 'TestNumberOfColumns',
      name: 'Number of Columns',
      group,
      value,
      automaticCondition: { eq: data.reference.frame.names.length },
      describe: (v, c) => `The number of columns is ${v}. The test threshold is ${c}.`,
      parameters: (c) => ({ ...conditionParameter(c), number_of_columns: value }),
    },
    options,
  )
}

/**
 * TestColumnsType: every column's pandas dtype in the current data equals the reference's. FAIL lists the
 * mismatched columns; a column absent from the current data is a mismatch.
 */
export function columnsTypeTest(data: SuiteData, options: SuiteOptions): SuiteTestEntry {
  const reference = data.reference.datasetSummary().columns_type
  const current = data.currentDatasetSummary().columns_type
  const columns = Object.entries(reference).map(([column, expected]) => ({
    column_name: column,
    actual_type: current[column] ?? null,
    expected_type: expected,
  }))
  const mismatched = columns.filter((c) => c.actual_type !== c.expected_type)
  return {
    name: 'Column Types',
    description: `The number of columns with a type mismatch is ${mismatched.length} out of ${columns.length}.`,
    status: mismatched.length === 0 ? 'SUCCESS' : failureStatus(options, 'TestColumnsType'),
    group,
    parameters: { columns },
  }
}

/**
 * TestColumnShareOfMissingValues for every column (TestAllColumnsShareOfMissingValues): missing = pandas null,
 * "", ±inf; `lte approx(ref_share, relative=0.1)`.
 */
export function columnShareOfMissingValuesTests(
  data: SuiteData,
  options: SuiteOptions,
): SuiteTestEntry[] {
  const current = data.currentMissingValues()
  const reference = data.reference.missingValues()
  return data.current.names.map((column) => {
    const value = current.share_of_missing_values_by_column[column] ?? null
    const referenceShare = reference.share_of_missing_values_by_column[column]
    return evaluateValueTest(
      {
        className: 'TestColumnShareOfMissingValues',
        column,
        name: 'The Share of Missing Values in a Column',
        group,
        value,
        automaticCondition:
          referenceShare === undefined
            ? { eq: 0 }
            : { lte: approx(referenceShare, { relative: 0.1 }) },
        describe: (v, c) =>
          `The share of missing values in the column **${column}** is ${formatGeneral(v ?? Number.NaN, 3)}. The test threshold is ${c}.`,
        parameters: (c) => ({ ...conditionParameter(c), column_name: column, value }),
      },
      options,
    )
  })
}

type CountField =
  'number_of_constant_columns' | 'number_of_duplicated_columns' | 'number_of_duplicated_rows'

const countTests: Record<
  CountField,
  { className: string; name: string; what: string; scaled: boolean }
> = {
  number_of_constant_columns: {
    className: 'TestNumberOfConstantColumns',
    name: 'Number of Constant Columns',
    what: 'constant columns',
    scaled: false,
  },
  number_of_duplicated_columns: {
    className: 'TestNumberOfDuplicatedColumns',
    name: 'Number of Duplicate Columns',
    what: 'duplicate columns',
    scaled: false,
  },
  number_of_duplicated_rows: {
    className: 'TestNumberOfDuplicatedRows',
    name: 'Number of Duplicate Rows',
    what: 'duplicate rows',
    scaled: true,
  },
}

/**
 * TestNumberOfConstantColumns / TestNumberOfDuplicatedColumns (`lte ref`) and TestNumberOfDuplicatedRows
 * (`eq approx(ref × cur_rows/ref_rows, relative=0.1)`).
 */
export function datasetCountTest(
  field: CountField,
  data: SuiteData,
  options: SuiteOptions,
): SuiteTestEntry {
  const spec = countTests[field]
  const value = data.currentDatasetSummary()[field]
  const reference: DatasetSummary = data.reference.datasetSummary()
  const multiplier =
    reference.number_of_rows === 0 ? 1 : data.current.rowCount / reference.number_of_rows
  return evaluateValueTest(
    {
      className: spec.className,
      name: spec.name,
      group,
      value,
      automaticCondition: spec.scaled
        ? { eq: approx(reference[field] * multiplier, { relative: 0.1 }) }
        : { lte: reference[field] },
      describe: (v, c) => `The number of ${spec.what} is ${v}. The test threshold is ${c}.`,
      parameters: (c) => ({ ...conditionParameter(c), [field]: value }),
    },
    options,
  )
}
