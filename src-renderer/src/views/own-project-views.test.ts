import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { RunRecord } from '../../../src-main/shared/domain/runs'
import { installBridge } from '../api/bridge'
import { REMEMBERED_PROJECT_KEY } from '../stores/projects'
import { useProjectBackfillStore } from '../stores/projectBackfill'
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

  it("Backfill starts the project's backfill, shows each window as it arrives, then the stored ones", async () => {
    bridge.respond('pipeline:start', () => ({ jobId: 'job-1', runId: null }))
    const wrapper = mount(BackfillView, { attachTo: document.body })
    await flushPromises()
    expect(bridge.callsOf('metrics:list')).toContainEqual({ project: 'shop' })
    expect(
      wrapper.find('[data-testid=project-stored-windows] tr[data-window="2024-05-02"]').text(),
    ).toContain('12')
    expect(wrapper.find('[data-testid=backfill-month]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=project-backfill-unavailable]').exists()).toBe(false)
    const start = wrapper.find('[data-testid=start-backfill]')
    expect(start.attributes('disabled')).toBeUndefined()
    await start.trigger('click')
    await flushPromises()
    expect(bridge.callsOf('pipeline:start')).toEqual([{ project: 'shop', force: false }])
    expect(start.attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid=cancel-backfill]').exists()).toBe(true)

    const day = (date: string, rows: number) => ({ ...stored, date, rows })
    bridge.emit('pipeline:progress', {
      jobId: 'job-1',
      items: [
        { type: 'run-started', runId: 'run-12345678', job: 'backfill', totalTasks: 0 },
        {
          type: 'day-result',
          runId: 'run-12345678',
          metrics: day('2024-05-01', 40),
          skipped: false,
          done: 1,
          total: 0,
        },
      ],
    })
    // Another job's events are not this run's.
    bridge.emit('pipeline:progress', {
      jobId: 'other',
      items: [
        {
          type: 'day-result',
          runId: 'x',
          metrics: day('2099-01-01', 1),
          skipped: false,
          done: 1,
          total: 0,
        },
      ],
    })
    await flushPromises()
    const progress = wrapper.find('[data-testid=project-backfill-progress]')
    expect(progress.text()).toContain('1 window(s) so far')
    expect(progress.find('li[data-window="2024-05-01"]').text()).toContain('40 rows')
    expect(progress.find('li[data-window="2099-01-01"]').exists()).toBe(false)

    const storedCalls = bridge.callsOf('metrics:list').length
    bridge.emit('pipeline:progress', {
      jobId: 'job-1',
      items: [
        {
          type: 'day-result',
          runId: 'run-12345678',
          metrics: day('2024-05-02', 12),
          skipped: true,
          done: 2,
          total: 0,
        },
      ],
    })
    bridge.emit('pipeline:finished', {
      jobId: 'job-1',
      outcome: 'done',
      value: {
        runId: 'run-12345678',
        state: 'Completed',
        message: '1 reused, 1 computed (2 window(s) stored).',
      },
    })
    await flushPromises()
    expect(wrapper.find('[data-testid=project-backfill-final]').text()).toContain(
      '1 reused, 1 computed',
    )
    expect(progress.find('li[data-window="2024-05-02"]').text()).toContain('reused')
    expect(wrapper.find('[data-testid=backfill-status]').text()).toContain('completed')
    // The stored windows are read again once the run has ended.
    expect(bridge.callsOf('metrics:list').length).toBe(storedCalls + 1)
    expect(bridge.callsOf('metrics:list').at(-1)).toEqual({ project: 'shop' })
    expect(start.attributes('disabled')).toBeUndefined()
    wrapper.unmount()
  })

  it("Backfill follows the picked project's backfill still running after a reload", async () => {
    bridge
      .respond('pipeline:current', () => ({ jobId: 'job-9' }))
      .respond('runs:list', () => [
        run('33333333-cccc', { kind: 'project-backfill', project: 'shop' }),
      ])
    const wrapper = mount(BackfillView, { attachTo: document.body })
    await flushPromises()
    expect(wrapper.find('[data-testid=cancel-backfill]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=start-backfill]').attributes('disabled')).toBeDefined()
    bridge.emit('pipeline:finished', {
      jobId: 'job-9',
      outcome: 'done',
      value: { runId: '33333333-cccc', state: 'Completed', message: '0 reused, 3 computed.' },
    })
    await flushPromises()
    expect(wrapper.find('[data-testid=project-backfill-final]').text()).toContain('3 computed')
    expect(wrapper.find('[data-testid=start-backfill]').attributes('disabled')).toBeUndefined()
    wrapper.unmount()
  })

  it('Backfill shows why a project backfill could not run, and cancels a running one', async () => {
    bridge.respond('pipeline:start', () => ({ jobId: 'job-2', runId: null }))
    bridge.respond('pipeline:cancel', () => ({ cancelled: true }))
    const wrapper = mount(BackfillView, { attachTo: document.body })
    await flushPromises()
    await wrapper.find('[data-testid=start-backfill]').trigger('click')
    await flushPromises()
    await wrapper.find('[data-testid=cancel-backfill]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('pipeline:cancel')).toEqual([{ jobId: 'job-2' }])
    expect(wrapper.find('[data-testid=cancel-backfill]').text()).toContain('Stopping')
    bridge.emit('pipeline:finished', { jobId: 'job-2', outcome: 'cancelled' })
    await flushPromises()
    expect(wrapper.find('[data-testid=backfill-status]').text()).toContain('cancelled')

    await wrapper.find('[data-testid=start-backfill]').trigger('click')
    await flushPromises()
    bridge.emit('pipeline:finished', {
      jobId: 'job-2',
      outcome: 'failed',
      error: { code: 'BUSY', message: "Another backfill of project 'shop' is running (run ID 1)." },
    })
    await flushPromises()
    expect(wrapper.find('[data-testid=backfill-status]').text()).toContain('failed')
    expect(wrapper.text()).toContain("Another backfill of project 'shop' is running")
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

  it("Runs resumes a stopped run of the project through the project's backfill, with its Cancel", async () => {
    const stopped = {
      ...run('44444444-dddd', { kind: 'project-backfill', project: 'shop' }),
      state: 'Cancelled' as const,
    }
    bridge
      .respond('runs:list', () => [stopped])
      .respond('pipeline:resume', () => ({ jobId: 'job-r', runId: '44444444-dddd' }))
      .respond('pipeline:cancel', () => ({ cancelled: true }))
    const wrapper = mount(RunsView, { attachTo: document.body })
    await flushPromises()
    bridge.respond('runs:list', () => [{ ...stopped, state: 'Running' as const }])
    await wrapper.find('[data-testid=run-resume]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('pipeline:resume')).toEqual([{ runId: '44444444-dddd' }])
    expect(useProjectBackfillStore()).toMatchObject({
      status: 'running',
      project: 'shop',
      runId: '44444444-dddd',
    })
    await wrapper.find('[data-testid=run-cancel]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('pipeline:cancel')).toEqual([{ jobId: 'job-r' }])
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
