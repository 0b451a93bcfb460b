import type { Frame } from '../data/frame'
import { getColumn } from '../data/frame'
import type { ColumnSummary } from '../quality/column-summary'
import { summarizeColumn } from '../quality/column-summary'
import type { DatasetMissingValues } from '../quality/dataset-missing-values'
import { datasetMissingValues } from '../quality/dataset-missing-values'
import type { DatasetSummary } from '../quality/dataset-summary'
import { summarizeDataset } from '../quality/dataset-summary'
import type { SummaryColumnType } from '../quality/infer-column-type'
import { processColumnTypes } from '../reports/column-mapping'
import type { ReferenceProfile } from '../reports/reference-profile'
import { resolveColumnType, roles } from '../reports/reference-profile'

/** The current dataset's statistics a suite needs, each computed once, beside the reference profile. */
export interface SuiteData {
  readonly reference: ReferenceProfile
  readonly current: Frame
  /** The column's type: the reference's (Evidently's data definition), else inferred from the current data. */
  columnType(column: string): SummaryColumnType
  currentColumnSummary(column: string): ColumnSummary
  currentDatasetSummary(): DatasetSummary
  currentMissingValues(): DatasetMissingValues
}

/** Wraps a current frame for the tests of one suite. */
export function createSuiteData(reference: ReferenceProfile, current: Frame): SuiteData {
  const memo = new Map<string, unknown>()
  const remember = <T>(key: string, compute: () => T): T => {
    if (!memo.has(key)) memo.set(key, compute())
    return memo.get(key) as T
  }
  const columnType = (column: string): SummaryColumnType =>
    resolveColumnType(reference, current, column)
  return {
    reference,
    current,
    columnType,
    currentColumnSummary: (column) =>
      remember(`summary:${column}`, () =>
        summarizeColumn(
          getColumn(current, column),
          current.rowCount,
          columnType(column),
          reference.frame.names.includes(column)
            ? reference.columnSummary(column).statistics
            : undefined,
        ),
      ),
    currentDatasetSummary: () =>
      remember('dataset', () =>
        summarizeDataset(
          current,
          processColumnTypes(reference.mapping, current),
          roles(reference.mapping),
        ),
      ),
    currentMissingValues: () => remember('missing', () => datasetMissingValues(current)),
  }
}
