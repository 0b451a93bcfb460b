import type { EChartsCoreOption } from 'echarts/core'
import { CHART_COLORS, CHART_FONT } from './chart-palette'

/** Evidently's `small_distribution`: bin edges (n + 1) and densities (n) for numbers, categories and counts for categories. */
export interface SmallDistribution {
  readonly x: readonly (number | string)[]
  readonly y: readonly number[]
}

/**
 * Reference against current distribution of one column, side by side. Numerical histograms have their
 * own bin edges per side (Evidently bins each separately for this plot), so each side is drawn as bars
 * centred on its bins on a shared value axis; categorical ones share the category axis, shown as shares.
 */
export function buildDistributionOption(
  reference: SmallDistribution | null,
  current: SmallDistribution | null,
  columnType: 'num' | 'cat',
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
  const centres = (distribution: SmallDistribution | null): [number, number][] => {
    if (distribution === null) return []
    const edges = distribution.x.map(Number)
    return distribution.y.map((density, index) => {
      const left = edges[index] ?? 0
      const right = edges[index + 1] ?? left
      return [(left + right) / 2, density]
    })
  }
  return {
    ...base,
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', scale: true, splitLine: { show: false } },
    yAxis: {
      type: 'value',
      name: 'density',
      splitLine: { lineStyle: { color: CHART_COLORS.grid } },
    },
    series: [
      {
        name: 'reference',
        type: 'bar',
        data: centres(reference),
        barMaxWidth: 14,
        itemStyle: { color: CHART_COLORS.reference },
      },
      {
        name: 'current',
        type: 'bar',
        data: centres(current),
        barMaxWidth: 14,
        itemStyle: { color: CHART_COLORS.current },
      },
    ],
  }
}
