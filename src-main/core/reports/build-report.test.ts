import { describe, expect, it } from 'vitest'
import type { Column, Frame } from '../data/frame'
import { buildReport, dataDefinitionColumns } from './build-report'
import type { ColumnMapping } from './column-mapping'
import { createSuiteData } from '../suites/suite-data'
import { createReferenceProfile } from './reference-profile'

function floatFrame(columns: Record<string, (number | null)[]>): Frame {
  const names = Object.keys(columns)
  const rowCount = columns[names[0] as string]?.length ?? 0
  const built: Frame['columns'] = Object.fromEntries(
    names.map((name) => {
      const raw = columns[name] as (number | null)[]
      return [
        name,
        {
          kind: 'float64' as const,
          values: Float64Array.from(raw, (v) => v ?? 0),
          valid: raw.includes(null) ? Uint8Array.from(raw, (v) => (v === null ? 0 : 1)) : null,
        },
      ]
    }),
  )
  return { rowCount, names, columns: built }
}

const mapping: ColumnMapping = {
  target: 'y',
  prediction: 'p',
  numericalFeatures: ['x'],
  categoricalFeatures: [],
}

describe('regression report edge cases', () => {
  it('returns error entries, not a throw, for a day with no complete target/prediction pair', () => {
    const reference = createReferenceProfile(
      floatFrame({ x: [1, 2, 3], y: [10, 20, 30], p: [11, 19, 33] }),
      mapping,
    )
    const current = floatFrame({ x: [1, 2], y: [null, null], p: [3, 4] })
    const report = buildReport('regression', reference, current, { segmentBy: ['x'] })
    expect(report.metrics.map((m) => m.metric)).toEqual([
      'RegressionQualityMetric',
      'RegressionErrorDistribution',
      'RegressionPerformanceBySegment',
    ])
    for (const metric of report.metrics)
      expect(String(metric.result.error)).toContain("No row has both 'y' and 'p'")
  })
  it('leaves the reference error bins out when the reference lacks the prediction column', () => {
    const reference = createReferenceProfile(floatFrame({ x: [1, 2, 3], y: [10, 20, 30] }), mapping)
    const current = floatFrame({ x: [1, 2], y: [5, 6], p: [5.5, 6.5] })
    const report = buildReport('regression', reference, current)
    const quality = report.metrics[0]?.result as {
      reference: unknown
      current: { mean_error: number }
    }
    expect(quality.reference).toBeNull()
    expect(quality.current.mean_error).toBeCloseTo(0.5, 12)
    const bins = report.metrics.find((m) => m.metric === 'RegressionErrorDistribution')?.result as {
      reference_bins: unknown
    }
    expect(bins.reference_bins).toBeNull()
  })
})

describe('column types of a current-only column', () => {
  it('leave the column out of the data-quality report (Evidently skips a partially present column) and type it for suites', () => {
    const reference = createReferenceProfile(floatFrame({ x: [1, 2, 3] }), mapping)
    // 'extra' exists only in the current data: a float column with many values is numerical.
    const current = floatFrame({ x: [1, 2, 3, 4, 5, 6], extra: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5] })
    const report = buildReport('data-quality', reference, current)
    const summaries = report.metrics
      .filter((m) => m.metric === 'ColumnSummaryMetric')
      .map((m) => m.result.column_name)
    expect(summaries).toEqual(['x'])
    expect(createSuiteData(reference, current).columnType('extra')).toBe('num')
  })
})

describe('data-definition columns', () => {
  it('describe a timestamp column both datasets have, not one only the current data has', () => {
    const stamp = (n: number): Column => ({
      kind: 'timestamp_us',
      values: Float64Array.from({ length: n }, (_, i) => i * 1e6),
      valid: null,
    })
    const base = floatFrame({ x: [1, 2, 3], y: [1, 2, 3], p: [1, 2, 3] })
    const withStamp = (frame: Frame, name: string): Frame => ({
      ...frame,
      names: [...frame.names, name],
      columns: { ...frame.columns, [name]: stamp(frame.rowCount) },
    })
    const reference = createReferenceProfile(withStamp(base, 'shared_ts'), mapping)
    const current = withStamp(withStamp(base, 'shared_ts'), 'only_current_ts')
    expect(dataDefinitionColumns(reference, current)).toEqual(['y', 'p', 'x', 'shared_ts'])
  })
})

// Issue 9: column names are data. A plain `{}` keyed by them turned a column named '__proto__' into the
// object's prototype, so it vanished from drift_by_columns and the summaries.
describe('columns named like Object.prototype members', () => {
  it('reports __proto__ and constructor as ordinary columns in the drift table and the summary', () => {
    const oddMapping: ColumnMapping = {
      numericalFeatures: ['__proto__', 'constructor'],
      categoricalFeatures: [],
    }
    const values = (offset: number): (number | null)[] =>
      Array.from({ length: 40 }, (_, i) => (i % 10) + offset)
    const frame = (offset: number): Frame => {
      const built = floatFrame({ a: values(offset), b: values(offset) })
      return {
        rowCount: built.rowCount,
        names: ['__proto__', 'constructor'],
        columns: Object.fromEntries([
          ['__proto__', built.columns.a!],
          ['constructor', built.columns.b!],
        ]),
      }
    }
    const reference = createReferenceProfile(frame(0), oddMapping)
    const report = buildReport('data-drift', reference, frame(5))
    const table = report.metrics.find((metric) => metric.metric === 'DataDriftTable')!.result as {
      drift_by_columns: Record<string, { drift_detected: boolean }>
    }
    expect(Object.keys(table.drift_by_columns).sort()).toEqual(['__proto__', 'constructor'])
    expect(Object.hasOwn(table.drift_by_columns, '__proto__')).toBe(true)
    expect(table.drift_by_columns['__proto__']!.drift_detected).toBe(true)
    const json = JSON.stringify(report)
    expect(json).toContain('"__proto__":{')
  })
})
