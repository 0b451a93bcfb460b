import type { EChartsCoreOption } from 'echarts/core'

export interface ChartSummary {
  /** Series names (or their type where unnamed), in order. */
  readonly series: readonly string[]
  /** Data points over all series that carry a value (nulls and gaps not counted). */
  readonly points: number
}

/**
 * What a chart option draws, in two numbers a test can read from the page: the series and how many
 * non-empty points they hold. An option with series but no points is an empty chart.
 */
export function summarizeChartOption(option: EChartsCoreOption | null): ChartSummary {
  const raw = option?.series
  const series = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as {
    name?: unknown
    type?: unknown
    data?: unknown
  }[]
  let points = 0
  for (const entry of series) {
    if (!Array.isArray(entry.data)) continue
    for (const point of entry.data as unknown[]) if (hasValue(point)) points += 1
  }
  return {
    series: series.map((entry) =>
      typeof entry.name === 'string' ? entry.name : String(entry.type ?? 'series'),
    ),
    points,
  }
}

function hasValue(point: unknown): boolean {
  if (point === null || point === undefined || point === '-') return false
  if (typeof point === 'number') return Number.isFinite(point)
  if (Array.isArray(point)) return point.every((part) => part !== null && part !== undefined)
  if (typeof point === 'object' && 'value' in point) return hasValue(point.value)
  return true
}
