import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { LiveSessionStatus, LiveWindows } from '../../../src-main/shared/domain/live'
import { installBridge } from '../api/bridge'
import { useLiveStore, WINDOWS_POLL_MS } from './live'

function status(state: LiveSessionStatus['state'], jobId = 'live-1'): LiveSessionStatus {
  return {
    jobId,
    project: 'nyc-taxi',
    month: '2022-03',
    speed: 3600,
    startedAt: '2026-12-07T10:00:00.000Z',
    endedAt: state === 'stopped' || state === 'failed' ? '2026-12-07T10:05:00.000Z' : null,
    state,
    serviceUrl: 'http://127.0.0.1:40001',
    health: 'ok',
    processes: [
      { name: 'serve', state: 'running', pid: 11, exitCode: null, signal: null, lastLine: null },
      { name: 'replay', state: 'running', pid: 12, exitCode: null, signal: null, lastLine: '40%' },
      { name: 'collect', state: 'running', pid: 13, exitCode: null, signal: null, lastLine: null },
    ],
    replayFraction: 0.4,
    error: null,
  }
}

function windowsWith(requests: number): LiveWindows {
  return {
    serviceHealth: [
      {
        start: '2022-03-01T00:00:00.000Z',
        end: '2022-03-01T01:00:00.000Z',
        requests,
        errors: 0,
        errorRate: 0,
        latencyP50Ms: 1,
        latencyP95Ms: 2,
        latencyP99Ms: 3,
      },
    ],
    metrics: [],
    alerts: [],
  }
}

describe('useLiveStore', () => {
  let bridge: FakePanelBridge
  let current: LiveSessionStatus | null
  let requests: number

  beforeEach(() => {
    vi.useFakeTimers()
    current = null
    requests = 10
    bridge = new FakePanelBridge()
      .respond('live:start', () => {
        current = status('starting')
        return { jobId: 'live-1' }
      })
      .respond('live:status', () => ({ session: current }))
      .respond('live:windows', () => windowsWith(requests))
      .respond('live:stop', () => {
        current = status('stopped')
        return { session: current }
      })
      .respond('jobs:running', () => ({ jobIds: [] }))
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  it('starts a session with the form, then applies pushed status snapshots and lines of its own job only', async () => {
    const store = useLiveStore()
    store.speed = 'max'
    await store.start()
    expect(bridge.callsOf('live:start')).toEqual([
      { project: 'nyc-taxi', month: '2022-03', speed: 'max' },
    ])
    expect(store.isActive).toBe(true)
    bridge.emit('live:progress', {
      jobId: 'live-1',
      items: [
        { type: 'status', status: status('running') },
        { type: 'line', process: 'replay', text: 'replay [==>  ] 40%' },
      ],
    })
    bridge.emit('live:progress', {
      jobId: 'someone-else',
      items: [{ type: 'line', process: 'serve', text: 'not ours' }],
    })
    expect(store.session?.state).toBe('running')
    expect(store.lines).toEqual([{ process: 'replay', text: 'replay [==>  ] 40%' }])
  })

  it('reads the windows when opened and again every poll while a session is active, with the session start', async () => {
    const store = useLiveStore()
    current = status('running')
    await store.open()
    expect(store.windows.serviceHealth[0]?.requests).toBe(10)
    requests = 25
    await vi.advanceTimersByTimeAsync(WINDOWS_POLL_MS)
    expect(store.windows.serviceHealth[0]?.requests).toBe(25)
    expect(bridge.callsOf('live:windows').at(-1)).toEqual({
      project: 'nyc-taxi',
      month: '2022-03',
      since: '2026-12-07T10:00:00.000Z',
    })
    store.close()
  })

  it('polls without a session too (a service run from the command line), and stops when the view closes', async () => {
    const store = useLiveStore()
    await store.open()
    const afterOpen = bridge.callsOf('live:windows').length
    await vi.advanceTimersByTimeAsync(WINDOWS_POLL_MS * 2)
    expect(bridge.callsOf('live:windows')).toHaveLength(afterOpen + 2)
    expect(bridge.callsOf('live:windows').at(-1)).toEqual({ project: 'nyc-taxi', month: '2022-03' })
    store.close()
    await vi.advanceTimersByTimeAsync(WINDOWS_POLL_MS * 3)
    expect(bridge.callsOf('live:windows')).toHaveLength(afterOpen + 2)
  })

  it('follows a running session again after a reload, with its form values', async () => {
    current = { ...status('running', 'live-7'), month: '2022-02', speed: 'max' }
    const store = useLiveStore()
    await store.open()
    expect(store.month).toBe('2022-02')
    expect(store.speed).toBe('max')
    bridge.emit('live:finished', {
      jobId: 'live-7',
      outcome: 'done',
      value: status('stopped', 'live-7'),
    })
    expect(store.session?.state).toBe('stopped')
    store.close()
  })

  it("shows a failed session's error from its terminal event", async () => {
    const store = useLiveStore()
    await store.start()
    const error = {
      code: 'LIVE_PROCESS_FAILED' as const,
      message: 'The replay (driftdesk replay) exited with code 3.',
    }
    current = { ...status('failed'), error }
    bridge.emit('live:finished', { jobId: 'live-1', outcome: 'failed', error })
    await vi.runOnlyPendingTimersAsync()
    expect(store.error).toEqual(error)
    expect(store.session?.state).toBe('failed')
    expect(store.isActive).toBe(false)
  })

  it('stops through main and re-reads the windows', async () => {
    const store = useLiveStore()
    await store.start()
    await store.stop()
    expect(bridge.callsOf('live:stop')).toHaveLength(1)
    expect(store.session?.state).toBe('stopped')
    expect(store.isStopping).toBe(false)
    expect(bridge.callsOf('live:windows').length).toBeGreaterThan(0)
  })
})
