import { describe, expect, it } from 'vitest'
import type { ReportDocument, SuiteTestEntry } from '../../../src-main/shared/domain/reports'
import {
  formatCondition,
  formatNumber,
  isPValueTest,
  readColumnSummaries,
  readDatasetDrift,
  readDriftColumns,
  readRegressionQuality,
  readTestValue,
  splitBold,
} from './report-sections'

/** Shaped like Evidently 0.4's DataDriftPreset `as_dict()` for 2022-02-02 (two columns kept). */
const driftReport: ReportDocument = {
  metrics: [
    {
      metric: 'DatasetDriftMetric',
      result: {
        drift_share: 0.5,
        number_of_columns: 7,
        number_of_drifted_columns: 6,
        share_of_drifted_columns: 0.8571428571428571,
        dataset_drift: true,
      },
    },
    {
      metric: 'DataDriftTable',
      result: {
        drift_by_columns: {
          trip_distance: {
            column_name: 'trip_distance',
            column_type: 'num',
            stattest_name: 'Wasserstein distance (normed)',
            stattest_threshold: 0.1,
            drift_score: 2.958249480058885,
            drift_detected: true,
            current: { small_distribution: { x: [0, 1, 2], y: [0.5, 'NaN'] } },
            reference: { small_distribution: { x: [0, 1, 2], y: [0.4, 0.6] } },
          },
          ehail_fee: {
            column_name: 'ehail_fee',
            column_type: 'num',
            stattest_name: 'Wasserstein distance (normed)',
            stattest_threshold: 0.1,
            drift_score: null,
            drift_detected: null,
            current: { small_distribution: { x: [], y: [] } },
            reference: { small_distribution: { x: [], y: [] } },
            error: 'empty after dropping nulls',
          },
        },
      },
    },
  ],
}

describe('report readers', () => {
  it('reads the dataset drift summary', () => {
    expect(readDatasetDrift(driftReport)).toEqual({
      numberOfColumns: 7,
      numberOfDriftedColumns: 6,
      shareOfDriftedColumns: 0.8571428571428571,
      datasetDrift: true,
      driftShare: 0.5,
    })
  })

  it('reads each column with its distributions, non-finite strings as numbers, and errors', () => {
    const [tripDistance, ehailFee] = readDriftColumns(driftReport)
    expect(tripDistance).toMatchObject({
      column: 'trip_distance',
      score: 2.958249480058885,
      isDrifted: true,
      error: null,
    })
    expect(tripDistance?.current?.y[1]).toBeNaN()
    expect(ehailFee).toMatchObject({
      score: null,
      isDrifted: null,
      error: 'empty after dropping nulls',
    })
  })

  it('finds nothing in a report without those metrics', () => {
    expect(readDatasetDrift({ metrics: [] })).toBeNull()
    expect(readDriftColumns({ metrics: [] })).toEqual([])
    expect(readRegressionQuality({ metrics: [] })).toBeNull()
  })

  it("reads a column summary with both sides' characteristics and its plot data", () => {
    const [row] = readColumnSummaries({
      metrics: [
        {
          metric: 'ColumnSummaryMetric',
          result: {
            column_name: 'VendorID',
            column_type: 'cat',
            current_characteristics: { count: 2536, unique: 2 },
            reference_characteristics: { count: 25211, unique: 2 },
            plot_data: { current: { x: [2, 1], y: [2160, 376] }, reference: null },
          },
        },
      ],
    })
    expect(row).toMatchObject({
      column: 'VendorID',
      columnType: 'cat',
      current: { count: 2536 },
      reference: { count: 25211 },
      plot: { current: { x: [2, 1], y: [2160, 376] }, reference: null },
      error: null,
    })
  })

  it('tells p-value tests from distances by their Evidently names', () => {
    expect(isPValueTest('K-S p_value')).toBe(true)
    expect(isPValueTest('Wasserstein distance (normed)')).toBe(false)
  })
})

describe('test-suite readers', () => {
  const share: SuiteTestEntry = {
    name: 'Share of Drifted Columns',
    description: 'The drift is detected for 85.7% features (6 out of 7).',
    status: 'FAIL',
    group: 'data_drift',
    parameters: {
      condition: { lt: 0.3 },
      features: { a: { detected: true }, b: { detected: false } },
    },
  }
  const column: SuiteTestEntry = {
    name: 'Drift per Column',
    description: '',
    status: 'SUCCESS',
    group: 'data_drift',
    parameters: {
      stattest: 'Jensen-Shannon distance',
      score: 0.013,
      threshold: 0.1,
      detected: false,
    },
  }

  it('formats the condition, or the stattest threshold when the test has none', () => {
    expect(formatCondition(share)).toBe('lt 0.3')
    expect(formatCondition(column)).toBe('threshold 0.1')
    expect(
      formatCondition({
        ...share,
        parameters: { condition: { gte: { value: 100, relative: 0.1, absolute: 1e-12 } } },
      }),
    ).toBe('gte 100 ± 10')
    expect(
      formatCondition({
        ...share,
        parameters: { condition: { lte: { value: 0, relative: 0.1, absolute: 1e-12 } } },
      }),
    ).toBe('lte 0 ± 1e-12')
  })

  it('reads the measured value, counting per-column verdicts for the share test', () => {
    expect(readTestValue(share)).toBe('50% (1 of 2)')
    expect(readTestValue(column)).toBe('0.01300')
  })

  it("renders Evidently's **bold** markup as runs, never as HTML", () => {
    expect(splitBold('The column **<b>x</b>** is 0.')).toEqual([
      { text: 'The column ', isBold: false },
      { text: '<b>x</b>', isBold: true },
      { text: ' is 0.', isBold: false },
    ])
  })

  it('formats numbers for people', () => {
    expect(formatNumber(25211)).toBe('25,211')
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞')
    expect(formatNumber(null)).toBe('—')
  })
})
