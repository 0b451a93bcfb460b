import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import { announceBridgeReconnect, installBridge } from '../api/bridge'
import { usePipelineStore } from './pipeline'

describe('usePipelineStore', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge()
      .respond('pipeline:start', () => ({ jobId: 'job-1', runId: null }))
      .respond('pipeline:cancel', () => ({ cancelled: true }))
      .respond('pipeline:resume', () => ({ jobId: 'job-2', runId: 'run-1' }))
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('starts a backfill with the form values and the reference month', async () => {
    const store = usePipelineStore()
    store.days = 3
    store.paceSeconds = 1
    await store.start('2022-01')
    expect(bridge.callsOf('pipeline:start')).toEqual([
      { month: '2022-02', days: 3, paceSeconds: 1, referenceMonth: '2022-01', force: false },
    ])
    expect(store.status).toBe('running')
    expect(store.timeline.cells).toHaveLength(3)
  })

  it("fills the timeline from its job's progress and ignores other jobs", async () => {
    const store = usePipelineStore()
    store.days = 2
    await store.start('2022-01')
    bridge.emit('pipeline:progress', {
      jobId: 'someone-else',
      items: [
        { type: 'task-state', runId: 'x', taskKey: 'day:2022-02-01', state: 'Failed', attempt: 1 },
      ],
    })
    bridge.emit('pipeline:progress', {
      jobId: 'job-1',
      items: [
        { type: 'run-started', runId: 'run-1', job: 'backfill', totalTasks: 2 },
        {
          type: 'task-state',
          runId: 'run-1',
          taskKey: 'day:2022-02-01',
          state: 'Running',
          attempt: 1,
        },
      ],
    })
    expect(store.timeline.runId).toBe('run-1')
    expect(store.timeline.cells.map((cell) => cell.state)).toEqual(['running', 'pending'])
  })

  it('ends on the terminal event and can resume a cancelled run', async () => {
    const store = usePipelineStore()
    store.days = 2
    await store.start('2022-01')
    bridge.emit('pipeline:progress', {
      jobId: 'job-1',
      items: [{ type: 'run-started', runId: 'run-1', job: 'backfill', totalTasks: 2 }],
    })
    await store.cancel()
    expect(bridge.callsOf('pipeline:cancel')).toEqual([{ jobId: 'job-1' }])
    expect(store.isCancelling).toBe(true)
    bridge.emit('pipeline:finished', { jobId: 'job-1', outcome: 'cancelled' })
    expect(store.status).toBe('cancelled')
    expect(store.isCancelling).toBe(false)
    await store.resume()
    expect(bridge.callsOf('pipeline:resume')).toEqual([{ runId: 'run-1' }])
    expect(store.status).toBe('running')
  })

  it('keeps a failed start as an error the view can explain', async () => {
    bridge.respond('pipeline:start', () => {
      throw new Error('A backfill is already running')
    })
    const store = usePipelineStore()
    await store.start('2022-01')
    expect(store.status).toBe('failed')
    expect(String(store.error)).toContain('already running')
  })

  it('after a reconnect takes the outcome of a backfill that ended meanwhile from its run (regression: "running" for ever when pipeline:finished was lost)', async () => {
    const run = {
      id: 'run-1',
      job: 'backfill',
      parameters: {},
      state: 'Completed',
      stateMessage: null,
      createdAt: '2026-01-01T00:00:00Z',
      startedAt: null,
      endedAt: null,
      heartbeatAt: null,
      pid: null,
      hostname: null,
      parentSchedule: null,
    } as const
    bridge
      .respond('jobs:running', () => ({ jobIds: [] }))
      .respond('runs:show', () => ({ run, tasks: [], logs: [] }))
      .respond('metrics:list', () => [])
    const store = usePipelineStore()
    store.days = 2
    await store.start('2022-01')
    bridge.emit('pipeline:progress', {
      jobId: 'job-1',
      items: [{ type: 'run-started', runId: 'run-1', job: 'backfill', totalTasks: 2 }],
    })
    announceBridgeReconnect()
    await vi.waitFor(() => expect(store.status).toBe('done'))
    expect(store.jobId).toBeNull()
    expect(store.timeline.finalState).toBe('Completed')
    expect(bridge.callsOf('runs:show')).toEqual([{ runId: 'run-1' }])
  })

  it('ignores an empty or malformed month from the form (regression: clearing the Month field threw and broke the view)', () => {
    const store = usePipelineStore()
    store.days = 2
    store.month = ''
    expect(store.month).toBe('2022-02')
    expect(store.dates).toEqual(['2022-02-01', '2022-02-02'])
    store.month = '2022-13'
    expect(store.month).toBe('2022-02')
    store.month = '2022-03'
    expect(store.dates).toEqual(['2022-03-01', '2022-03-02'])
  })

  it('after a reload shows the last backfill run from the store, reused days and Resume state included (regression: "0 of 27 days, idle")', async () => {
    const task = (date: string, state: 'Completed' | 'Cancelled', attempts: number) => ({
      id: `t-${date}`,
      runId: 'run-9',
      taskKey: `day:${date}`,
      state,
      attempts,
      startedAt: null,
      endedAt: null,
      error: null,
      inputsFingerprint: null,
    })
    const run = {
      id: 'run-9',
      job: 'backfill' as const,
      parameters: { startDate: '2022-03-01', days: 3 },
      state: 'Cancelled' as const,
      stateMessage: 'Cancelled after 2 of 3 day(s).',
      createdAt: '2026-01-01T00:00:00Z',
      startedAt: null,
      endedAt: null,
      heartbeatAt: null,
      pid: null,
      hostname: null,
      parentSchedule: null,
    }
    bridge
      .respond('pipeline:current', () => ({ jobId: null }))
      .respond('runs:list', () => [run])
      .respond('runs:show', () => ({
        run,
        tasks: [task('2022-03-01', 'Completed', 0), task('2022-03-02', 'Completed', 1)],
        logs: [],
      }))
      .respond('metrics:list', () => [])
    const store = usePipelineStore()
    await store.restore()
    expect(store.month).toBe('2022-03')
    expect(store.days).toBe(3)
    expect(store.status).toBe('cancelled')
    expect(store.timeline.runId).toBe('run-9')
    expect(store.timeline.cells.map((cell) => cell.state)).toEqual(['skipped', 'done', 'cancelled'])
    await store.resume()
    expect(bridge.callsOf('pipeline:resume')).toEqual([{ runId: 'run-9' }])
  })

  it('after a reload follows the backfill this panel still runs', async () => {
    bridge
      .respond('pipeline:current', () => ({ jobId: 'job-7' }))
      .respond('runs:list', () => [])
      .respond('metrics:list', () => [])
    const store = usePipelineStore()
    await store.restore()
    expect(store.status).toBe('running')
    expect(store.jobId).toBe('job-7')
    await store.cancel()
    expect(bridge.callsOf('pipeline:cancel')).toEqual([{ jobId: 'job-7' }])
  })

  it('is running from the click on, before main answers (regression: the old "completed" stayed until then)', async () => {
    const store = usePipelineStore()
    store.status = 'done'
    const starting = store.start('2022-01')
    expect(store.status).toBe('running')
    await starting
    expect(store.jobId).toBe('job-1')
  })
})
