import { describe, expect, it } from 'vitest'
import { CHART_COLORS } from './chart-palette'
import { buildDriftScoresOption, driftRatio } from './build-drift-scores-option'

describe('driftRatio', () => {
  it('divides a distance by its threshold', () => {
    expect(
      driftRatio({ column: 'a', score: 0.2, threshold: 0.1, isDrifted: true, isDistance: true }),
    ).toBeCloseTo(2, 12)
  })

  it('inverts p-values, so beyond 1 still means drift', () => {
    expect(
      driftRatio({ column: 'a', score: 0.01, threshold: 0.05, isDrifted: true, isDistance: false }),
    ).toBeCloseTo(5, 12)
    expect(
      driftRatio({ column: 'a', score: 0.5, threshold: 0.05, isDrifted: false, isDistance: false }),
    ).toBeCloseTo(0.1, 12)
  })

  it('caps extreme columns and reads a missing score as 0', () => {
    expect(
      driftRatio({
        column: 'trip_distance',
        score: 2.958,
        threshold: 0.1,
        isDrifted: true,
        isDistance: true,
      }),
    ).toBe(5)
    expect(
      driftRatio({ column: 'a', score: 0, threshold: 0.05, isDrifted: true, isDistance: false }),
    ).toBe(5)
    expect(
      driftRatio({ column: 'a', score: null, threshold: 0.1, isDrifted: null, isDistance: true }),
    ).toBe(0)
  })
})

describe('buildDriftScoresOption', () => {
  it("colours each bar by the report's own verdict", () => {
    const option = buildDriftScoresOption([
      { column: 'prediction', score: 0.198, threshold: 0.1, isDrifted: true, isDistance: true },
      {
        column: 'passenger_count',
        score: 0.013,
        threshold: 0.1,
        isDrifted: false,
        isDistance: true,
      },
    ])
    expect((option.yAxis as { data: string[] }).data).toEqual(['prediction', 'passenger_count'])
    const [bars] = option.series as { data: { itemStyle: { color: string } }[] }[]
    expect(bars?.data.map((bar) => bar.itemStyle.color)).toEqual([
      CHART_COLORS.drifted,
      CHART_COLORS.stable,
    ])
  })

  it('escapes the column name in the tooltip HTML (regression: a column name was injected as HTML)', () => {
    const option = buildDriftScoresOption([
      {
        column: '<img src=x onerror=alert(1)>',
        score: 0.2,
        threshold: 0.1,
        isDrifted: true,
        isDistance: true,
      },
    ])
    const formatter = (option.tooltip as { formatter: (item: { dataIndex: number }) => string })
      .formatter
    const html = formatter({ dataIndex: 0 })
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).not.toContain('<img')
  })

  it('draws p-value bars inverted like driftRatio, so a drifted p-value lies beyond the threshold line (regression: bars used score / threshold for every test)', () => {
    const option = buildDriftScoresOption([
      { column: 'a', score: 0.01, threshold: 0.05, isDrifted: true, isDistance: false },
    ])
    const [bars] = option.series as { data: { value: number }[] }[]
    expect(bars?.data[0]?.value).toBeCloseTo(5, 12)
  })

  it('labels a bar cut at 5× with its real ratio (regression: trip_distance at 29.6× showed as a plain 5× bar)', () => {
    const option = buildDriftScoresOption([
      { column: 'trip_distance', score: 2.96, threshold: 0.1, isDrifted: true, isDistance: true },
      { column: 'fare_amount', score: 0.05, threshold: 0.1, isDrifted: false, isDistance: true },
    ]) as { series: { data: { value: number; label: { show: boolean; formatter?: string } }[] }[] }
    const [clipped, plain] = option.series[0]?.data ?? []
    expect(clipped?.value).toBe(5)
    expect(clipped?.label).toMatchObject({ show: true, formatter: '29.6× ▸' })
    expect(plain?.label.show).toBe(false)
  })

  it('puts no label on the threshold line, where it hid the axis tick 1 (regression)', () => {
    const option = buildDriftScoresOption([
      { column: 'a', score: 0.2, threshold: 0.1, isDrifted: true, isDistance: true },
    ]) as { series: { markLine: { data: { xAxis: number }[]; label: { show: boolean } } }[] }
    expect(option.series[0]?.markLine.data).toEqual([{ xAxis: 1 }])
    expect(option.series[0]?.markLine.label.show).toBe(false)
  })
})
