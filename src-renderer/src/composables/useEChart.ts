import type { EChartsCoreOption, EChartsType } from 'echarts/core'
import { init, use } from 'echarts/core'
import { BarChart, LineChart, ScatterChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components'
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers'
import type { Ref } from 'vue'
import { onBeforeUnmount, onMounted, shallowRef, watch } from 'vue'

// Only what the panel draws is registered, which keeps the renderer bundle small.
use([
  BarChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
  SVGRenderer,
])

/**
 * Canvas in a real browser; SVG where there is no 2D canvas (happy-dom in tests), since ECharts'
 * canvas renderer crashes without one.
 */
function pickRenderer(): 'canvas' | 'svg' {
  try {
    return document.createElement('canvas').getContext('2d') === null ? 'svg' : 'canvas'
  } catch {
    // getContext not implemented at all: SVG works everywhere.
    return 'svg'
  }
}

/**
 * Owns one ECharts instance for a container element: creates it when mounted, applies the option
 * whenever it changes (replacing, not merging, so removed series disappear), follows the container's
 * size, and disposes of it when unmounted.
 */
export function useEChart(
  container: Ref<HTMLElement | null>,
  option: Ref<EChartsCoreOption | null>,
): { chart: Ref<EChartsType | null> } {
  const chart = shallowRef<EChartsType | null>(null)
  let observer: ResizeObserver | null = null

  onMounted(() => {
    const element = container.value
    if (element === null) return
    chart.value = init(element, null, { renderer: pickRenderer() })
    if (option.value !== null) chart.value.setOption(option.value, { notMerge: true })
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => chart.value?.resize())
      observer.observe(element)
    }
  })

  watch(option, (next) => {
    if (chart.value !== null && next !== null) chart.value.setOption(next, { notMerge: true })
  })

  onBeforeUnmount(() => {
    observer?.disconnect()
    chart.value?.dispose()
    chart.value = null
  })

  return { chart }
}
