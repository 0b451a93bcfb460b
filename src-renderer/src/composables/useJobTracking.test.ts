import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import { announceBridgeReconnect, installBridge } from '../api/bridge'
import { useJobTracking } from './useJobTracking'

describe('useJobTracking', () => {
  it("follows only its own job's progress and ends on its one terminal event", async () => {
    const bridge = new FakePanelBridge().respond('data:download', () => ({ jobId: 'mine' }))
    installBridge(bridge)
    const onProgress = vi.fn()
    const onDone = vi.fn()
    const job = useJobTracking(bridge, {
      progress: 'data:progress',
      finished: 'data:finished',
      onProgress,
      onDone,
    })
    await job.begin(() => bridge.invoke('data:download', { months: ['2022-02'] }))
    expect(job.isRunning.value).toBe(true)
    bridge.emit('data:progress', { jobId: 'other', items: [] })
    bridge.emit('data:progress', { jobId: 'mine', items: [] })
    expect(onProgress).toHaveBeenCalledTimes(1)
    bridge.emit('data:finished', {
      jobId: 'mine',
      outcome: 'failed',
      error: { code: 'DOWNLOAD_FAILED', message: 'offline' },
    })
    expect(job.jobId.value).toBeNull()
    expect(job.error.value).toMatchObject({ code: 'DOWNLOAD_FAILED' })
    expect(onDone).not.toHaveBeenCalled()
  })

  it('after a reconnect, forgets a job main no longer runs and re-reads what it changed', async () => {
    const bridge = new FakePanelBridge().respond('jobs:running', () => ({ jobIds: [] }))
    installBridge(bridge)
    const onLost = vi.fn()
    const job = useJobTracking(bridge, { finished: 'model:finished', onLost })
    job.follow('gone')
    announceBridgeReconnect()
    await flushPromises()
    expect(job.jobId.value).toBeNull()
    expect(onLost).toHaveBeenCalledTimes(1)
  })

  it('puts a refused start in error and follows nothing', async () => {
    const bridge = new FakePanelBridge()
    installBridge(bridge)
    const job = useJobTracking(bridge, { finished: 'stack:finished' })
    const started = await job.begin(() => Promise.reject(new Error('no engine')))
    expect(started).toBe(false)
    expect(job.jobId.value).toBeNull()
    expect(job.error.value).toBeInstanceOf(Error)
  })
})
