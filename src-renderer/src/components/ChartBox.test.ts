import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { buildCourseMetricsOption } from '../charts/build-course-metrics-option'
import ChartBox from './ChartBox.vue'

describe('ChartBox', () => {
  it('draws the option with the SVG renderer where there is no canvas, and redraws on change', async () => {
    const wrapper = mount(ChartBox, {
      attachTo: document.body,
      props: {
        label: 'metrics',
        height: 200,
        option: buildCourseMetricsOption(['2022-02-01'], []),
      },
    })
    await nextTick()
    expect(wrapper.find('svg').exists()).toBe(true)
    expect(wrapper.attributes('aria-label')).toBe('metrics')
    const before = wrapper.findAll('path').length
    await wrapper.setProps({
      option: buildCourseMetricsOption(
        ['2022-02-01', '2022-02-02'],
        [
          {
            date: '2022-02-01',
            rows: 1,
            predictionDrift: 0.2,
            numDriftedColumns: 6,
            shareOfDriftedColumns: 0.857,
            datasetDrift: true,
            shareMissingValues: 0.08,
            missingByColumn: {},
            mae: null,
            rmse: null,
            columns: [],
          },
        ],
      ),
    })
    await nextTick()
    expect(wrapper.findAll('path').length).toBeGreaterThan(before)
    wrapper.unmount()
  })
})
