import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { RunRecord } from '../../../src-main/shared/domain/runs'
import { installBridge } from '../api/bridge'
import { REMEMBERED_PROJECT_KEY } from '../stores/projects'
import { useReportsStore } from '../stores/reports'
import BackfillView from './BackfillView.vue'
import ModelView from './ModelView.vue'
import ReportsView from './ReportsView.vue'
import RunsView from './RunsView.vue'
import TestSuitesView from './TestSuitesView.vue'

/** The views with an own project picked (issue #11): windows instead of days, its stored windows. */
const windows = {
  project: 'shop',
  windows: [
    {
      label: '2024-05-01',
      start: '2024-05-01T00:00:00',
      endExclusive: '2024-05-02T00:00:00',
      rows: 40,
    },
    {
      label: '2024-05-02',
      start: '2024-05-02T00:00:00',
      endExclusive: '2024-05-03T00:00:00',
      rows: 12,
    },
  ],
  rowsWithoutTimestamp: 0,
  mapping: {
    target: 'target',
    prediction: 'prediction',
    numericalFeatures: [],
    categoricalFeatures: [],
  },
}
const stored = {
  date: '2024-05-02',
  rows: 12,
  predictionDrift: 0.25,
  numDriftedColumns: 2,
  shareOfDriftedColumns: 0.3,
  datasetDrift: false,
  shareMissingValues: 0.01,
  missingByColumn: {},
  mae: 1.5,
  rmse: 2,
  columns: [],
}
const run = (id: string, parameters: Record<string, unknown>): RunRecord =>
  ({
    id,
    job: 'backfill',
    state: 'Completed',
    parameters,
    startedAt: '2026-12-07T10:00:00.000Z',
    endedAt: '2026-12-07T10:01:00.000Z',
  }) as unknown as RunRecord

describe('views with an own project picked', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    localStorage.setItem(REMEMBERED_PROJECT_KEY, 'shop')
    bridge = new FakePanelBridge()
      .respond('project:windows', () => windows)
      .respond('metrics:list', () => [stored])
      .respond('pipeline:current', () => ({ jobId: null }))
      .respond('runs:list', () => [
        run('11111111-aaaa', { startDate: '2022-02-01', days: 3 }),
        run('22222222-bbbb', { project: 'shop' }),
      ])
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it("Reports asks for a window of the project, never the course's day or its course preset", async () => {
    bridge.respond('reports:get', () => ({ metrics: [] }))
    useReportsStore().preset = 'course'
    const wrapper = mount(ReportsView, { attachTo: document.body })
    await flushPromises()
    const select = wrapper.find('[data-testid=report-window]')
    expect(select.findAll('option').map((o) => o.text())).toEqual([
      '2024-05-01 (40 rows)',
      '2024-05-02 (12 rows)',
    ])
    expect(wrapper.find('[data-testid=report-date]').exists()).toBe(false)
    const presets = wrapper
      .findAll('[data-testid=report-preset] option')
      .map((o) => o.attributes('value'))
    expect(presets).not.toContain('course')
    await select.setValue('2024-05-02')
    await wrapper.find('[data-testid=load-report]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('reports:get')).toEqual([
      { project: 'shop', window: '2024-05-02', preset: 'data-drift' },
    ])
    wrapper.unmount()
  })

  it('Reports drops a document of another project when it opens', async () => {
    const reports = useReportsStore()
    reports.document = { metrics: [] }
    reports.loadedProject = 'nyc-taxi'
    const wrapper = mount(ReportsView, { attachTo: document.body })
    await flushPromises()
    expect(reports.document).toBeNull()
    expect(wrapper.find('[data-testid=report]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('Test suites runs on a window of the project', async () => {
    bridge.respond('suites:run', () => ({
      tests: [],
      summary: {
        all_passed: true,
        total_tests: 0,
        success_tests: 0,
        failed_tests: 0,
        by_status: {},
      },
    }))
    const wrapper = mount(TestSuitesView, { attachTo: document.body })
    await flushPromises()
    await wrapper.find('[data-testid=run-suite]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('suites:run')).toEqual([
      { project: 'shop', window: '2024-05-01', preset: 'data-drift' },
    ])
    wrapper.unmount()
  })

  it("Backfill shows the project's stored windows and a start it cannot do yet, with the reason", async () => {
    const wrapper = mount(BackfillView, { attachTo: document.body })
    await flushPromises()
    expect(bridge.callsOf('metrics:list')).toContainEqual({ project: 'shop' })
    const start = wrapper.find('[data-testid=start-backfill]')
    expect(start.attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid=project-backfill-unavailable]').text()).toContain(
      'not available yet',
    )
    expect(
      wrapper.find('[data-testid=project-stored-windows] tr[data-window="2024-05-02"]').text(),
    ).toContain('12')
    expect(wrapper.find('[data-testid=backfill-month]').exists()).toBe(false)
    wrapper.unmount()
  })

  it("Runs lists only the project's runs, beside its stored windows", async () => {
    const wrapper = mount(RunsView, { attachTo: document.body })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid=runs-table] tbody tr')
    expect(rows).toHaveLength(1)
    expect(rows[0]?.text()).toContain('22222222')
    expect(wrapper.find('[data-testid=project-stored-windows]').exists()).toBe(true)
    wrapper.unmount()
  })

  it("Model says it is the course's model, which an own project does not need", async () => {
    bridge.respond('model:get', () => null).respond('jobs:running', () => ({ jobIds: [] }))
    const wrapper = mount(ModelView, { attachTo: document.body })
    await flushPromises()
    expect(wrapper.find('[data-testid=model-course-only]').text()).toContain('shop')
    wrapper.unmount()
  })
})
