import type { EChartsCoreOption } from 'echarts/core'
import { CHART_COLORS, CHART_FONT } from './chart-palette'

/** Evidently's `small_distribution`: bin edges (n + 1) and densities (n) for numbers, categories and counts for categories. */
export interface SmallDistribution {
  readonly x: readonly (number | string)[]
  readonly y: readonly number[]
}

/**
 * Reference against current distribution of one column. Numerical histograms have their own bin edges
 * per side (Evidently bins each separately for this plot), so each side is a step area over its own
 * edges on a shared value axis; categorical ones share the category axis and are shown as shares.
 */
/**
 * True when one bin of a histogram holds more than `share` of its mass: an outlier stretched the equal
 * width bins so far that the rest is squashed into a sliver (one regression error of hours against
 * minutes). Such a chart is drawn on a logarithmic density axis, with a note.
 */
export function isDominatedByOneBin(distribution: SmallDistribution | null, share = 0.8): boolean {
  if (distribution === null) return false
  const total = distribution.y.reduce((sum, value) => sum + Math.max(0, value), 0)
  return total > 0 && Math.max(...distribution.y) / total > share
}

export function buildDistributionOption(
  reference: SmallDistribution | null,
  current: SmallDistribution | null,
  columnType: 'num' | 'cat',
  options: { readonly logDensity?: boolean } = {},
): EChartsCoreOption {
  const base = {
    textStyle: CHART_FONT,
    animation: false,
    legend: { top: 0, itemWidth: 12, itemHeight: 8 },
    grid: { left: 44, right: 12, top: 28, bottom: 28 },
    tooltip: { trigger: 'axis' },
  }
  if (columnType === 'cat') {
    const categories = [...new Set([...(reference?.x ?? []), ...(current?.x ?? [])].map(String))]
    const shares = (distribution: SmallDistribution | null): number[] => {
      const counts = new Map<string, number>()
      let total = 0
      distribution?.x.forEach((key, index) => {
        const count = distribution.y[index] ?? 0
        counts.set(String(key), count)
        total += count
      })
      return categories.map((key) => (total === 0 ? 0 : (counts.get(key) ?? 0) / total))
    }
    return {
      ...base,
      xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: 'value',
        name: 'share',
        splitLine: { lineStyle: { color: CHART_COLORS.grid } },
      },
      series: [
        {
          name: 'reference',
          type: 'bar',
          data: shares(reference),
          itemStyle: { color: CHART_COLORS.reference },
        },
        {
          name: 'current',
          type: 'bar',
          data: shares(current),
          itemStyle: { color: CHART_COLORS.current },
        },
      ],
    }
  }
  // Numerical sides are step areas over their own bin edges: the outline of a histogram, readable even
  // when one side's bins are much wider than the other's (trip_distance's outliers).
  const steps = (distribution: SmallDistribution | null): [number, number][] => {
    if (distribution === null || distribution.y.length === 0) return []
    const edges = distribution.x.map(Number)
    // A log axis cannot draw 0: empty bins become gaps.
    const shown = (density: number): number =>
      options.logDensity === true && density <= 0 ? Number.NaN : density
    const points: [number, number][] = distribution.y.map((density, index) => [
      edges[index] ?? 0,
      shown(density),
    ])
    const last = edges[distribution.y.length]
    if (last !== undefined)
      points.push([last, shown(distribution.y[distribution.y.length - 1] ?? 0)])
    return points
  }
  const side = (
    name: string,
    data: [number, number][],
    color: string,
  ): Record<string, unknown> => ({
    name,
    type: 'line',
    step: 'end',
    symbol: 'none',
    data,
    lineStyle: { color, width: 1.5 },
    itemStyle: { color },
    areaStyle: { color, opacity: 0.25 },
  })
  return {
    ...base,
    xAxis: { type: 'value', scale: true, splitLine: { show: false } },
    yAxis: {
      type: options.logDensity === true ? 'log' : 'value',
      name: options.logDensity === true ? 'density (log)' : 'density',
      // Keep the axis at the left edge, not where x = 0 falls (errors and fares go negative).
      axisLine: { onZero: false },
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    series: [
      side('reference', steps(reference), CHART_COLORS.reference),
      side('current', steps(current), CHART_COLORS.current),
    ],
  }
}
