import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src-main/config/app-config'
import { buildReport } from '../../src-main/core/reports/build-report'
import type { ColumnDriftEntry } from '../../src-main/core/reports/data-drift-table'
import { buildTestSuite } from '../../src-main/core/suites/build-test-suite'
import { ReportService } from '../../src-main/services/reports/report-service'
import { hasAnswerKeys, isClose, readAnswerJson, readAnswerTsv } from '../support/answer-keys'
import { realTaxiDataDir } from '../support/taxi-data'

/**
 * Acceptance on February 2022 against Evidently 0.4.16's own output (../shared/answers): every drift-table row,
 * every DataDriftTestPreset test, RegressionQualityMetric's scalars and DataDriftPreset's small distributions,
 * to 1e-9 relative. Skipped on a fresh clone without ../shared (report-presets.test.ts covers synthetic data).
 */
const dataDir = realTaxiDataDir()
const enabled = dataDir !== null && hasAnswerKeys()
if (!enabled)
  console.info(
    'report-answer-key: skipped — ../shared/data/nyc-taxi or ../shared/answers is absent.',
  )

interface SuiteAnswer {
  days: {
    date: string
    test_suite_as_dict: { tests: Record<string, unknown>[]; summary: Record<string, unknown> }
  }[]
}
interface PresetAnswer {
  days: {
    date: string
    report_as_dict: { metrics: { metric: string; result: Record<string, unknown> }[] }
  }[]
}
interface RegressionAnswer {
  days: {
    date: string
    rows_all: number
    evidently_RegressionQualityMetric_scalars: Record<
      'current' | 'reference',
      Record<string, number>
    >
  }[]
}

const days = Array.from({ length: 27 }, (_, i) => `2022-02-${String(i + 1).padStart(2, '0')}`)

function expectClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, where).toBe('number')
    expect(isClose(actual as number, expected), `${where}: ${String(actual)} vs ${expected}`).toBe(
      true,
    )
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), where).toBe(true)
    expect((actual as unknown[]).length, `${where} length`).toBe(expected.length)
    expected.forEach((item, i) => expectClose((actual as unknown[])[i], item, `${where}[${i}]`))
  } else if (expected !== null && typeof expected === 'object') {
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, `${where}.${key}`)
    }
  } else {
    expect(actual, where).toEqual(expected)
  }
}

describe.skipIf(!enabled)('Evidently 0.4 answer key, February 2022', () => {
  let home: string
  let service: ReportService
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-report-'))
    service = new ReportService(loadConfig({}, { homeDir: home, dataDir: dataDir ?? undefined }))
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  it('reproduces every row of drift_by_column.tsv (stattest, threshold, score, decision)', async () => {
    const rows = readAnswerTsv('drift_by_column.tsv')
    expect(rows.length).toBe(27 * 7)
    for (const date of days) {
      const report = await service.report('data-drift', date)
      const table = report.metrics[1]?.result.drift_by_columns as Record<string, ColumnDriftEntry>
      for (const row of rows.filter((r) => r.date === date)) {
        const entry = table[row.column as string]
        const where = `${date} ${row.column}`
        expect(entry, where).toBeDefined()
        expect(entry?.column_type, where).toBe(row.column_type)
        expect(entry?.stattest_name, where).toBe(row.stattest_name)
        expect(entry?.stattest_threshold, where).toBe(Number(row.stattest_threshold))
        expectClose(entry?.drift_score, Number(row.drift_score), where)
        expect(entry?.drift_detected, where).toBe(row.drift_detected === 'True')
      }
    }
  })

  it('reproduces DataDriftPreset as_dict, small distributions included', async () => {
    const answer = readAnswerJson<PresetAnswer>('data_drift_preset.json')
    for (const day of answer.days) {
      const report = await service.report('data-drift', day.date)
      expect(report.metrics.map((m) => m.metric)).toEqual(
        day.report_as_dict.metrics.map((m) => m.metric),
      )
      day.report_as_dict.metrics.forEach((expected, i) => {
        const actual = report.metrics[i]?.result as Record<string, unknown>
        expect(Object.keys(actual)).toEqual(Object.keys(expected.result))
        expectClose(actual, expected.result, `${day.date} ${expected.metric}`)
      })
      const table = report.metrics[1]?.result.drift_by_columns as Record<string, unknown>
      const expectedTable = day.report_as_dict.metrics[1]?.result.drift_by_columns as Record<
        string,
        unknown
      >
      expect(Object.keys(table)).toEqual(Object.keys(expectedTable))
    }
  })

  it('reproduces every test of data_drift_test_suite.json (names, statuses, descriptions, parameters)', async () => {
    const answer = readAnswerJson<SuiteAnswer>('data_drift_test_suite.json')
    expect(answer.days).toHaveLength(27)
    for (const day of answer.days) {
      const suite = await service.testSuite('data-drift', day.date)
      const expected = day.test_suite_as_dict
      expect(suite.tests).toHaveLength(expected.tests.length)
      expected.tests.forEach((test, i) => {
        const actual = suite.tests[i]
        const where = `${day.date} test ${i}`
        expect(actual?.name, where).toBe(test.name)
        expect(actual?.status, where).toBe(test.status)
        expect(actual?.group, where).toBe(test.group)
        expect(actual?.description, where).toBe(test.description)
        expect(actual?.parameters, where).toEqual(test.parameters)
      })
      expect(suite.summary).toEqual(expected.summary)
    }
  })

  it('reproduces RegressionQualityMetric scalars of regression_per_day.json', async () => {
    const answer = readAnswerJson<RegressionAnswer>('regression_per_day.json')
    for (const day of answer.days) {
      const report = await service.report('regression', day.date)
      const result = report.metrics[0]?.result as Record<
        'current' | 'reference',
        Record<string, unknown>
      >
      expect(report.context?.currentRows).toBe(day.rows_all)
      for (const side of ['current', 'reference'] as const) {
        for (const [key, value] of Object.entries(
          day.evidently_RegressionQualityMetric_scalars[side],
        )) {
          expectClose(result[side][key], value, `${day.date} ${side}.${key}`)
        }
      }
    }
  })

  it("reproduces the course's own report (backfill_reports.json report_as_dict)", async () => {
    const answer = readAnswerJson<PresetAnswer>('backfill_reports.json')
    expect(answer.days).toHaveLength(27)
    for (const day of answer.days) {
      const report = await service.report('course', day.date)
      expect(report.metrics.map((m) => m.metric)).toEqual(
        day.report_as_dict.metrics.map((m) => m.metric),
      )
      day.report_as_dict.metrics.forEach((expected, i) => {
        const actual = report.metrics[i]?.result as Record<string, unknown>
        expect(Object.keys(actual)).toEqual(Object.keys(expected.result))
        expectClose(actual, expected.result, `${day.date} ${expected.metric}`)
      })
    }
  })

  it('reuses one reference profile: a second computation of the same day is identical', async () => {
    const day = await service.loadDay('2022-02-14')
    const first = buildReport('data-drift', day.reference.drift, day.current)
    const second = buildReport('data-drift', day.reference.drift, day.current)
    expect(second).toEqual(first)
    const suite = buildTestSuite('data-drift', day.reference.drift, day.current)
    expect(suite.summary.by_status).toEqual({ FAIL: 8 })
  })
})
