import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadOwnData } from '../../src-main/services/reports/own-data-reports'
import { evidentlyAsDict } from '../../src-main/core/reports/evidently-as-dict'
import { ownDataReports } from '../../src-main/services/reports/own-data-reports'
import {
  asKeyJson,
  expectDriftSuiteMatchesKey,
  expectSameDict,
  readOwnDataKey,
  expectNoMappingDriftMatchesKey,
  expectReportsMatchKeys,
} from '../support/own-data-keys'

/**
 * Evidently 0.4.16's own output on a generated prediction log driftdesk was not tuned to
 * (scripts/evidently/own_data_synthetic.py): string categories with a category only in current and nulls, a
 * boolean, a 3-valued integer, a 300-row reference (K-S, chi-square and Z tests instead of Wasserstein and
 * Jensen-Shannon) and tiny windows of 40, 12 and 3 rows. Every document must equal Evidently's `as_dict()`.
 */
const KEY_DIR = resolve(__dirname, '../fixtures/evidently/own-data-synthetic')
const windows = ['all', '2024-05-01', '2024-05-02', '2024-05-03']
const mapping = {
  target: 'target',
  prediction: 'prediction',
  numericalFeatures: ['x', 'count', 'level'],
  categoricalFeatures: ['city', 'flag'],
}

describe.skipIf(!existsSync(KEY_DIR))(
  'Evidently 0.4 on a generated log (strings, booleans, tiny windows)',
  () => {
    for (const window of windows) {
      const load = (mapped: boolean): ReturnType<typeof loadOwnData> =>
        loadOwnData({
          reference: [join(KEY_DIR, 'reference.csv')],
          current: [join(KEY_DIR, 'current.csv')],
          ...(mapped ? { mapping } : {}),
          windowColumn: 'ts',
          ...(window === 'all' ? {} : { date: window }),
        })
      it(`reproduces the explicit-mapping reports for window ${window}`, async () => {
        expectReportsMatchKeys(await load(true), KEY_DIR, window)
      })
      it(`reproduces DataDriftTestPreset for window ${window}`, async () => {
        expectDriftSuiteMatchesKey(await load(true), KEY_DIR, window)
      })
      if (window === 'all')
        it('reproduces the no-mapping DataQualityPreset: an inferred 3-valued integer is categorical there', async () => {
          const data = await load(false)
          const key = readOwnDataKey(KEY_DIR, 'all', 'data_quality_nomapping.json').as_dict as {
            metrics: { metric: string; result: Record<string, unknown> }[]
          }
          const [outcome] = ownDataReports(data, 'data-quality')
          const actual = asKeyJson(evidentlyAsDict(outcome!.document!)) as typeof key
          // Evidently lists the column summaries in Python's hash-seeded set order: match them by name.
          const byName = (doc: typeof key): Map<string, unknown> =>
            new Map(
              doc.metrics
                .filter((m) => m.metric === 'ColumnSummaryMetric')
                .map((m) => [m.result.column_name as string, m.result]),
            )
          const expectedSummaries = byName(key)
          expect([...byName(actual).keys()].sort()).toEqual([...expectedSummaries.keys()].sort())
          for (const [name, result] of expectedSummaries)
            expectSameDict(byName(actual).get(name), result, `ColumnSummaryMetric ${name}`)
          expect((expectedSummaries.get('level') as { column_type: string }).column_type).toBe(
            'cat',
          )
          const others = (doc: typeof key): typeof key.metrics =>
            doc.metrics.filter((m) => m.metric !== 'ColumnSummaryMetric')
          expectSameDict(others(actual), others(key), 'dataset metrics')
        })
      it(`reproduces the no-mapping data-drift report for window ${window}`, async () => {
        const data = await load(false)
        expect(data.mapping.target).toBe('target')
        expectNoMappingDriftMatchesKey(data, KEY_DIR, window)
      })
    }
  },
)
