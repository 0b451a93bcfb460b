import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { evidentlyAsDict } from '../../src-main/core/reports/evidently-as-dict'
import type { OwnDataSet } from '../../src-main/services/reports/own-data-reports'
import { loadOwnData, ownDataReports } from '../../src-main/services/reports/own-data-reports'
import {
  asKeyJson,
  expectDriftSuiteMatchesKey,
  expectNoMappingDriftMatchesKey,
  expectReportsMatchKeys,
  expectSameDict,
  readOwnDataKey,
} from '../support/own-data-keys'

/**
 * Acceptance of issue 11 on a model that is not the taxi model: Evidently 0.4.16's own output on statsmodels'
 * `fair` dataset (../shared/answers/evidently-0.4-own-data-fair). For the whole current part and each of the
 * 5 day windows (cut by the `ts` column, which the reports never see), from the Parquet files and from the CSV
 * files: DataDriftPreset, DataQualityPreset and RegressionPreset equal the key's `as_dict()` (every key in
 * order, every number to 1e-9 relative), DataDriftTestPreset's tests equal it (name, status, description,
 * group, parameters) and DataDriftPreset with no mapping (types inferred) equals its key.
 * Skipped cleanly on a checkout without ../shared.
 */
const KEY_DIR = resolve(__dirname, '../../../shared/answers/evidently-0.4-own-data-fair')
const enabled = existsSync(join(KEY_DIR, 'meta.json'))
if (!enabled) console.info('own-data-answer-key: skipped — ../shared/answers is absent.')

const windows = ['all', '2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']
const explicitMapping = {
  target: 'affairs',
  prediction: 'prediction',
  numericalFeatures: ['rate_marriage', 'age', 'yrs_married', 'children', 'religious', 'educ'],
  categoricalFeatures: ['occupation', 'occupation_husb'],
}

async function load(
  format: 'parquet' | 'csv',
  mapped: boolean,
  window: string,
): Promise<OwnDataSet> {
  return loadOwnData({
    reference: [join(KEY_DIR, `reference.${format}`)],
    current: [join(KEY_DIR, `current.${format}`)],
    ...(mapped ? { mapping: explicitMapping } : {}),
    windowColumn: 'ts',
    ...(window === 'all' ? {} : { date: window }),
  })
}

describe.skipIf(!enabled)('Evidently 0.4 answer key on own data (fair)', () => {
  for (const format of ['parquet', 'csv'] as const) {
    describe(`from the ${format} files`, () => {
      for (const window of windows) {
        it(`reproduces the four explicit-mapping documents for window ${window}`, async () => {
          const data = await load(format, true, window)
          expect(data.windows).toHaveLength(1)
          expectReportsMatchKeys(data, KEY_DIR, window)
          expectDriftSuiteMatchesKey(data, KEY_DIR, window)
        })
        it(`reproduces the no-mapping data-drift report for window ${window}`, async () => {
          const data = await load(format, false, window)
          expect(data.mapping.target).toBeUndefined()
          expect(data.mapping.prediction).toBe('prediction')
          expectNoMappingDriftMatchesKey(data, KEY_DIR, window)
        })
      }
    })
  }

  it('cuts the five day windows with --window 1d and keeps ts out of every report', async () => {
    const data = await loadOwnData({
      reference: [join(KEY_DIR, 'reference.csv')],
      current: [join(KEY_DIR, 'current.csv')],
      mapping: explicitMapping,
      windowColumn: 'ts',
      window: '1d',
    })
    expect(data.windows.map((w) => [w.label, w.rows.length])).toEqual(
      windows.slice(1).map((day) => [day, 382]),
    )
    expect(data.current.names).not.toContain('ts')
    const outcomes = ownDataReports(data, 'data-drift')
    const key = readOwnDataKey(KEY_DIR, '2024-01-04', 'data_drift.json')
    expectSameDict(asKeyJson(evidentlyAsDict(outcomes[3]!.document!)), key.as_dict, '1d window 4')
  })
})
