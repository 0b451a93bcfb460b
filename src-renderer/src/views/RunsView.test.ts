import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { RunRecord, RunState } from '../../../src-main/shared/domain/runs'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import { installBridge } from '../api/bridge'
import RunsView from './RunsView.vue'

function run(id: string, state: RunState, job: RunRecord['job'] = 'backfill'): RunRecord {
  return {
    id,
    job,
    parameters:
      job === 'train'
        ? { referenceMonth: '2022-01', force: false }
        : { startDate: '2022-03-01', days: 2, referenceMonth: '2022-01' },
    state,
    stateMessage: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    endedAt: null,
    heartbeatAt: null,
    pid: null,
    hostname: null,
    parentSchedule: null,
  }
}

describe('RunsView', () => {
  let bridge: FakePanelBridge
  let runs: RunRecord[]

  beforeEach(() => {
    runs = [
      run('running-1', 'Running'),
      run('stopped-1', 'Cancelled'),
      run('train-1', 'Completed', 'train'),
    ]
    bridge = new FakePanelBridge()
      .respond('runs:list', () => runs)
      .respond('pipeline:current', () => ({ jobId: 'job-5' }))
      .respond('runs:show', ({ runId }) => ({
        run: runs.find((r) => r.id === runId) ?? runs[0]!,
        tasks: [
          {
            id: 't1',
            runId,
            taskKey: 'day:2022-03-01',
            state: 'Completed',
            attempts: 0,
            startedAt: null,
            endedAt: null,
            error: null,
            inputsFingerprint: 'f',
          },
          {
            id: 't2',
            runId,
            taskKey: 'day:2022-03-02',
            state: 'Completed',
            attempts: 1,
            startedAt: '2026-01-01T00:00:00Z',
            endedAt: '2026-01-01T00:00:02Z',
            error: null,
            inputsFingerprint: 'f',
          },
        ],
        logs: [],
      }))
      .respond('metrics:list', () => [])
      .respond('pipeline:cancel', () => ({ cancelled: true }))
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('offers Cancel on the backfill the panel runs, and shows trainings with their month', async () => {
    const wrapper = mount(RunsView, { attachTo: document.body })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid=runs-table] tbody tr')
    expect(rows[0]?.find('[data-testid=run-cancel]').exists()).toBe(true)
    // While a backfill runs, nothing else can be resumed (one backfill at a time).
    expect(rows[1]?.find('[data-testid=run-resume]').exists()).toBe(false)
    expect(rows[2]?.text()).toContain('train')
    expect(rows[2]?.text()).toContain('ref 2022-01')
    await rows[0]?.find('[data-testid=run-cancel]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('pipeline:cancel')).toEqual([{ jobId: 'job-5' }])
    wrapper.unmount()
  })

  it('offers Resume on a stopped backfill and shows reused days as reused (regression: "Completed, attempts 0, duration —")', async () => {
    bridge.respond('pipeline:current', () => ({ jobId: null }))
    runs = [run('stopped-1', 'Cancelled')]
    bridge.respond('pipeline:resume', () => ({ jobId: 'job-6', runId: 'stopped-1' }))
    const wrapper = mount(RunsView, { attachTo: document.body })
    await flushPromises()
    const row = wrapper.find('[data-testid=runs-table] tbody tr')
    await row.trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid=run-day-split]').text()).toBe('1 reused, 1 computed')
    const tasks = wrapper.findAll('[data-testid=run-tasks] tbody tr')
    expect(tasks[0]?.attributes('data-task-state')).toBe('reused')
    expect(tasks[0]?.text()).toContain('Reused')
    expect(tasks[0]?.text()).not.toContain('Completed')
    await row.find('[data-testid=run-resume]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('pipeline:resume')).toEqual([{ runId: 'stopped-1' }])
    wrapper.unmount()
  })
})
