import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SegmentBy } from '../../src-main/shared/domain/explain'
import type { Column } from '../../src-main/core/data/frame'
import { capSegments, segmentLabels } from '../../src-main/core/segments/segment-keys'
import { segmentMetrics } from '../../src-main/core/segments/segment-metrics'
import { errorGap, worstSegment } from '../../src-main/core/segments/worst-segment'

/**
 * Segment metrics against pandas groupby (fixture by scripts/explain/outliers_and_segments.py): rows,
 * mean predictions, MAE/RMSE over labelled rows, and scipy's Wasserstein distance normed by the
 * reference segment's std, per hour of day, weekday and categorical value; 1e-12 relative.
 */
interface Side {
  keys: (number | string)[]
  predictions: number[]
  targets?: (number | null)[]
}
interface Case {
  name: string
  by: SegmentBy
  reference: Side
  window: Side
  expected: Record<string, Record<string, number | null>>
}

const fixture = JSON.parse(
  readFileSync(resolve(__dirname, '../fixtures/explain/outliers-and-segments.json'), 'utf8'),
) as { segments: Case[] }

function keyColumn(keys: (number | string)[]): Column {
  return typeof keys[0] === 'string'
    ? { kind: 'string', values: keys as string[] }
    : { kind: 'timestamp_us', values: Float64Array.from(keys as number[]), valid: null }
}

function close(actual: number | null | undefined, expected: number | null): boolean {
  if (actual === null || actual === undefined || expected === null) return actual === expected
  return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected))
}

describe('segment metrics vs pandas groupby', () => {
  it.each(fixture.segments.map((c) => [c.name, c] as const))('matches pandas on %s', (_, c) => {
    const capped = capSegments(
      segmentLabels(keyColumn(c.reference.keys), c.by),
      segmentLabels(keyColumn(c.window.keys), c.by),
      24,
      c.by,
    )
    const rows = segmentMetrics(
      { labels: capped.reference, predictions: c.reference.predictions, targets: null },
      {
        labels: capped.window,
        predictions: c.window.predictions,
        targets: Float64Array.from(c.window.targets ?? [], (v) => v ?? Number.NaN),
      },
      capped.order,
    )
    const present = rows.filter((r) => r.rows > 0)
    expect(present.map((r) => r.segment).sort()).toEqual(Object.keys(c.expected).sort())
    for (const row of present) {
      const expected = c.expected[row.segment]!
      for (const [key, value] of Object.entries(expected)) {
        const actual = row[key as keyof typeof row] as number | null
        expect(close(actual, value), `${row.segment} ${key}: ${actual} vs ${value}`).toBe(true)
      }
    }
  })

  it('names the biased group as worst and measures the error gap between groups', () => {
    const c = fixture.segments.find((s) => s.by === 'value')!
    const capped = capSegments(c.reference.keys as string[], c.window.keys as string[], 24, 'value')
    const rows = segmentMetrics(
      { labels: capped.reference, predictions: c.reference.predictions, targets: null },
      {
        labels: capped.window,
        predictions: c.window.predictions,
        targets: Float64Array.from(c.window.targets ?? [], (v) => v ?? Number.NaN),
      },
      capped.order,
    )
    expect(worstSegment(rows, 30)).toEqual({
      segment: 'c',
      metric: 'mae',
      value: c.expected.c!.mae,
    })
    const gap = errorGap('group', rows, 30)
    const maes = Object.values(c.expected).map((e) => e.mae as number)
    expect(gap.worst?.group).toBe('c')
    expect(close(gap.gap, Math.max(...maes) - Math.min(...maes))).toBe(true)
    expect(close(gap.ratio, Math.max(...maes) / Math.min(...maes))).toBe(true)
  })
})

describe('capSegments', () => {
  it('keeps the most frequent reference values and folds the rest into (other)', () => {
    expect(capSegments(['a', 'a', 'b', 'c'], ['a', 'c', 'd'], 1, 'value')).toEqual({
      reference: ['a', 'a', '(other)', '(other)'],
      window: ['a', '(other)', '(other)'],
      order: ['a', '(other)'],
    })
  })

  it('refuses hours of a column that is not a timestamp', () => {
    expect(() => segmentLabels({ kind: 'string', values: ['x'] }, 'hour')).toThrow(/timestamp/)
  })
})
