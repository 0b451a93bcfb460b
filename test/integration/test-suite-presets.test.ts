import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src-main/config/app-config'
import { withColumn } from '../../src-main/core/data/frame'
import { buildReport } from '../../src-main/core/reports/build-report'
import type { ColumnDriftEntry } from '../../src-main/core/reports/data-drift-table'
import { toEvidentlyJson } from '../../src-main/core/reports/evidently-json'
import { buildTestSuite } from '../../src-main/core/suites/build-test-suite'
import type { LoadedDay } from '../../src-main/services/reports/report-service'
import { ReportService } from '../../src-main/services/reports/report-service'
import { testStatuses, testSuitePresetNames } from '../../src-main/shared/domain/reports'
import { realTaxiDataDir, syntheticTaxiDataDir } from '../support/taxi-data'

/**
 * Every report and test preset on one real (or, on a fresh clone, synthetic) day: invariants that hold on any
 * data, user conditions, non-critical tests, and partial results when a column is empty.
 */
const sources = realTaxiDataDir() === null ? ['synthetic'] : ['real', 'synthetic']

describe.each(sources)('report and test-suite presets on one %s day', (source) => {
  let home: string
  let day: LoadedDay
  beforeAll(async () => {
    const dir = source === 'real' ? (realTaxiDataDir() as string) : await syntheticTaxiDataDir()
    home = mkdtempSync(join(tmpdir(), 'driftdesk-presets-'))
    const service = new ReportService(loadConfig({}, { homeDir: home, dataDir: dir }))
    day = await service.loadDay('2022-02-03')
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  it.each(testSuitePresetNames)('runs the %s test preset with a consistent summary', (preset) => {
    const profile =
      preset === 'data-drift' || preset === 'no-target'
        ? day.reference.drift
        : day.reference.quality
    const suite = buildTestSuite(preset, profile, day.current)
    expect(suite.tests.length).toBeGreaterThan(0)
    for (const test of suite.tests) {
      expect(testStatuses).toContain(test.status)
      expect(test.name.length).toBeGreaterThan(0)
      expect(test.description.length).toBeGreaterThan(0)
    }
    const counted = Object.values(suite.summary.by_status).reduce((a, b) => a + (b ?? 0), 0)
    expect(counted).toBe(suite.summary.total_tests)
    expect(suite.summary.all_passed).toBe(
      suite.tests.every((t) => t.status === 'SUCCESS' || t.status === 'WARNING'),
    )
    expect(() => JSON.parse(toEvidentlyJson(suite)) as unknown).not.toThrow()
  })

  it('lets a user condition replace the automatic one and marks non-critical failures as WARNING', () => {
    const profile = day.reference.drift
    const strict = buildTestSuite('data-drift', profile, day.current, {
      conditions: { TestShareOfDriftedColumns: { lt: 0 } },
    })
    expect(strict.tests[0]?.status).toBe('FAIL')
    expect(strict.tests[0]?.parameters.condition).toEqual({ lt: 0 })
    const lenient = buildTestSuite('data-drift', profile, day.current, {
      conditions: { TestShareOfDriftedColumns: { lte: 1 } },
      nonCritical: ['TestColumnDrift'],
    })
    expect(lenient.tests[0]?.status).toBe('SUCCESS')
    for (const test of lenient.tests.slice(1)) expect(['SUCCESS', 'WARNING']).toContain(test.status)
    expect(lenient.summary.all_passed).toBe(true)
  })

  it('keeps the number of rows within ±10 % of the reference or fails TestNumberOfRows', () => {
    const suite = buildTestSuite('data-stability', day.reference.quality, day.current)
    const rows = suite.tests.find((t) => t.name === 'Number of Rows')
    const reference = day.reference.quality.frame.rowCount
    const within = Math.abs(day.current.rowCount - reference) <= 0.1 * reference
    expect(rows?.status).toBe(within ? 'SUCCESS' : 'FAIL')
    expect(rows?.parameters.condition).toEqual({
      eq: { value: reference, relative: 0.1, absolute: 1e-12 },
    })
  })

  it('reports an all-null column as an error entry and still computes the other columns', () => {
    const n = day.current.rowCount
    const broken = withColumn(day.current, 'fare_amount', {
      kind: 'float64',
      values: new Float64Array(n),
      valid: new Uint8Array(n),
    })
    const report = buildReport('data-drift', day.reference.drift, broken, {
      drift: { nullShareDrift: true },
    })
    const table = report.metrics[1]?.result.drift_by_columns as Record<string, ColumnDriftEntry>
    expect(table.fare_amount?.error).toMatch(/empty column 'fare_amount'/)
    expect(table.fare_amount?.drift_score).toBeNull()
    expect(table.fare_amount?.null_share_drift?.drift_detected).toBe(true)
    expect(typeof table.trip_distance?.drift_score).toBe('number')
    const suite = buildTestSuite('data-drift', day.reference.drift, broken)
    expect(suite.tests.find((t) => t.parameters.column_name === 'fare_amount')?.status).toBe(
      'ERROR',
    )
  })

  it('reports a user stattest of the wrong type as an error on that column only', () => {
    const report = buildReport('data-drift', day.reference.drift, day.current, {
      drift: { catStattest: 'ks', numStattest: 'psi', stattestThreshold: 0.2 },
    })
    const table = report.metrics[1]?.result.drift_by_columns as Record<string, ColumnDriftEntry>
    expect(table.PULocationID?.error).toBeDefined()
    expect(table.PULocationID?.drift_score).toBeNull()
    expect(table.fare_amount?.stattest_name).toBe('PSI')
    expect(table.fare_amount?.stattest_threshold).toBe(0.2)
    expect(table.fare_amount?.drift_detected).toBe((table.fare_amount?.drift_score ?? 0) >= 0.2)
  })

  it('computes the data-quality and regression reports with Evidently metric names', () => {
    const quality = buildReport('data-quality', day.reference.quality, day.current, {
      quantiles: [{ column: 'fare_amount', quantile: 0.5 }],
    })
    const names = new Set(quality.metrics.map((m) => m.metric))
    expect([...names]).toEqual([
      'DatasetSummaryMetric',
      'ColumnSummaryMetric',
      'DatasetMissingValuesMetric',
      'DatasetCorrelationsMetric',
      'ColumnQuantileMetric',
    ])
    const fare = day.current.columns.fare_amount
    if (fare === undefined || fare.kind === 'string' || fare.kind === 'null')
      throw new Error('fare_amount must be numeric')
    const sorted = Float64Array.from(fare.values).sort()
    const quantile = quality.metrics.at(-1)?.result as { current: { value: number } }
    const middle = (sorted.length - 1) / 2
    const expected =
      ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2
    expect(quantile.current.value).toBeCloseTo(expected, 12)

    const regression = buildReport('regression', day.reference.quality, day.current, {
      segmentBy: ['lpep_pickup_datetime'],
    })
    const result = regression.metrics[0]?.result as {
      current: { mean_abs_error: number; rmse: number }
    }
    expect(result.current.rmse).toBeGreaterThanOrEqual(result.current.mean_abs_error)
    const segments = regression.metrics.at(-1)?.result as {
      segments: { rows: number; mean_abs_error: number }[]
    }
    const rows = segments.segments.reduce((a, s) => a + s.rows, 0)
    const weighted = segments.segments.reduce((a, s) => a + s.rows * s.mean_abs_error, 0) / rows
    expect(weighted).toBeCloseTo(result.current.mean_abs_error, 9)
  })
})
