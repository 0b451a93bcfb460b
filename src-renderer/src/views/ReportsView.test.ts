import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import { installBridge } from '../api/bridge'
import ReportsView from './ReportsView.vue'

const config = {
  mode: 'browser' as const,
  version: '0.1.0',
  homeDir: '/home/u/.driftdesk',
  dataDir: '/data',
  database: { kind: 'embedded' as const, description: 'Embedded PostgreSQL' },
  grafana: null,
  adminer: null,
  frameOrigins: [],
}

describe('ReportsView', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge().respond('config:get', () => config)
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('invites the user to pick a day before anything is computed', () => {
    const wrapper = mount(ReportsView, { attachTo: document.body })
    expect(wrapper.find('[data-state=empty]').text()).toContain('Pick a day and a preset')
    wrapper.unmount()
  })

  it('asks for the chosen day and shows the drift table and summary', async () => {
    bridge.respond('reports:get', () => ({
      metrics: [
        {
          metric: 'DatasetDriftMetric',
          result: {
            drift_share: 0.5,
            number_of_columns: 1,
            number_of_drifted_columns: 1,
            share_of_drifted_columns: 1,
            dataset_drift: true,
          },
        },
        {
          metric: 'DataDriftTable',
          result: {
            drift_by_columns: {
              prediction: {
                column_name: 'prediction',
                column_type: 'num',
                stattest_name: 'Wasserstein distance (normed)',
                stattest_threshold: 0.1,
                drift_score: 0.19839049236631456,
                drift_detected: true,
                current: { small_distribution: { x: [0, 1], y: [1] } },
                reference: { small_distribution: { x: [0, 1], y: [1] } },
              },
            },
          },
        },
      ],
      context: {
        date: '2022-02-02',
        referenceMonth: '2022-01',
        preset: 'report:data-drift',
        currentRows: 2536,
        referenceRows: 25211,
        generatedBy: 'driftdesk',
      },
    }))
    const wrapper = mount(ReportsView, { attachTo: document.body })
    await wrapper.find('[data-testid=load-report]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('reports:get')).toEqual([
      { date: '2022-02-02', preset: 'data-drift', referenceMonth: '2022-01' },
    ])
    const row = wrapper.find('[data-testid=drift-table] tbody tr')
    expect(row.text()).toContain('prediction')
    expect(row.text()).toContain('drifted')
    expect(row.find('[data-field=score]').attributes('data-score')).toBe('0.19839049236631456')
    expect(wrapper.text()).toContain('2,536 / 25,211')
    wrapper.unmount()
  })

  it('shows the error with its help when the report cannot be computed', async () => {
    bridge.respond('reports:get', () => {
      throw Object.assign(new Error('No trips were picked up on 2022-02-30.'), {
        code: 'INVALID_REQUEST',
      })
    })
    const wrapper = mount(ReportsView, { attachTo: document.body })
    await wrapper.find('[data-testid=load-report]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[role=alert]').text()).toContain('No trips were picked up')
    wrapper.unmount()
  })

  it('draws the course preset: prediction drift chart and row, and the share of missing values (regression: its charts and table stayed empty)', async () => {
    bridge.respond('reports:get', () => ({
      metrics: [
        {
          metric: 'ColumnDriftMetric',
          result: {
            column_name: 'prediction',
            column_type: 'num',
            stattest_name: 'Wasserstein distance (normed)',
            stattest_threshold: 0.1,
            drift_score: 0.198,
            drift_detected: true,
            current: { small_distribution: { x: [0, 1, 2], y: [0.4, 0.6] } },
            reference: { small_distribution: { x: [0, 1, 2], y: [0.5, 0.5] } },
          },
        },
        {
          metric: 'DatasetDriftMetric',
          result: {
            drift_share: 0.5,
            number_of_columns: 7,
            number_of_drifted_columns: 6,
            share_of_drifted_columns: 0.857142857,
            dataset_drift: true,
          },
        },
        {
          metric: 'DatasetMissingValuesMetric',
          result: {
            current: {
              number_of_missing_values: 1200,
              share_of_missing_values: 0.0312,
              number_of_rows_with_missing_values: 300,
              number_of_missing_values_by_column: { ehail_fee: 1200, fare_amount: 0 },
              share_of_missing_values_by_column: { ehail_fee: 1, fare_amount: 0 },
            },
            reference: { share_of_missing_values: 0.0298 },
          },
        },
      ],
    }))
    const wrapper = mount(ReportsView, { attachTo: document.body })
    await wrapper.find('[data-testid=report-preset]').setValue('course')
    await wrapper.find('[data-testid=load-report]').trigger('click')
    await flushPromises()
    const rows = wrapper.findAll('[data-testid=drift-table] tbody tr')
    expect(rows.map((row) => row.attributes('data-column'))).toEqual(['prediction'])
    const charts = wrapper.findAll('[data-testid=chart]')
    expect(charts).toHaveLength(2)
    for (const chart of charts) expect(Number(chart.attributes('data-points'))).toBeGreaterThan(0)
    expect(wrapper.find('[data-testid=missing-share] .value').text()).toBe('3.12%')
    expect(wrapper.text()).toContain('Share drifted')
    expect(wrapper.text()).toContain('85.7%')
    expect(wrapper.findAll('[data-testid=missing-table] tbody tr')).toHaveLength(2)
    wrapper.unmount()
  })

  it('asks with the reference month picked in its own toolbar', async () => {
    bridge.respond('reports:get', () => ({ metrics: [] }))
    const wrapper = mount(ReportsView, { attachTo: document.body })
    await wrapper.find('[data-testid=report-reference-month]').setValue('2021-12')
    await wrapper.find('[data-testid=load-report]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('reports:get')[0]).toMatchObject({ referenceMonth: '2021-12' })
    wrapper.unmount()
  })
})
