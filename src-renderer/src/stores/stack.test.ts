import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { StackStatus } from '../../../src-main/shared/domain/stack'
import { announceBridgeReconnect, installBridge } from '../api/bridge'
import { useStackStore } from './stack'

const healthy: StackStatus = {
  engine: {
    found: true,
    engine: {
      name: 'Podman Engine',
      version: '4.3.1',
      apiVersion: '1.41',
      endpoint: 'unix:///run/podman.sock',
      source: 'DOCKER_HOST',
    },
  },
  services: [
    {
      service: 'postgres',
      containerName: 'driftdesk-postgres',
      image: 'postgres:15',
      state: 'healthy',
      hostPort: 5432,
    },
  ],
  urls: {
    grafana: 'http://127.0.0.1:3000',
    grafanaDashboard: 'http://127.0.0.1:3000/d/x',
    adminer: 'http://127.0.0.1:8080/?driftdesk_token=t',
    postgres: 'postgresql://postgres@127.0.0.1:5432/driftdesk',
  },
}

describe('useStackStore', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge()
      .respond('stack:start', () => ({ jobId: 'stack-1' }))
      .respond('stack:cancel', () => ({ cancelled: true }))
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('follows pull progress, per-service health and messages of its own start job', async () => {
    const store = useStackStore()
    await store.start()
    expect(store.isStarting).toBe(true)
    bridge.emit('stack:progress', {
      jobId: 'stack-1',
      items: [
        {
          type: 'pull',
          progress: {
            images: [
              {
                image: 'grafana/grafana-oss:11.4.0',
                phase: 'pulling',
                layers: 4,
                layersDone: 1,
                bytesDone: 10,
                bytesTotal: 40,
              },
            ],
            bytesDone: 10,
            bytesTotal: 40,
          },
        },
        { type: 'message', text: 'created driftdesk-postgres' },
        {
          type: 'health',
          services: [
            {
              service: 'postgres',
              containerName: 'driftdesk-postgres',
              image: 'postgres:15',
              state: 'starting',
              hostPort: 5432,
            },
          ],
        },
      ],
    })
    bridge.emit('stack:progress', {
      jobId: 'another',
      items: [{ type: 'message', text: 'not ours' }],
    })
    expect(store.pull?.images[0]?.bytesDone).toBe(10)
    expect(store.messages).toEqual(['created driftdesk-postgres'])
    expect(store.services.map((service) => service.state)).toEqual(['starting'])

    bridge.emit('stack:finished', { jobId: 'stack-1', outcome: 'done', value: healthy })
    expect(store.isStarting).toBe(false)
    expect(store.status).toEqual(healthy)
    expect(store.services.map((service) => service.state)).toEqual(['healthy'])
  })

  it('stops a running stack and shows the stopped services', async () => {
    const stopped: StackStatus = {
      ...healthy,
      services: [{ ...healthy.services[0]!, state: 'stopped', detail: 'exited, exit code 0' }],
    }
    bridge.respond('stack:status', () => healthy).respond('stack:stop', () => stopped)
    const store = useStackStore()
    await store.load()
    expect(store.isRunning).toBe(true)
    await store.stop()
    expect(bridge.callsOf('stack:stop')).toEqual([{}])
    expect(store.isRunning).toBe(false)
    expect(store.services.map((service) => service.state)).toEqual(['stopped'])
  })

  it('keeps a failed start as an error with its code', async () => {
    const store = useStackStore()
    await store.start()
    bridge.emit('stack:finished', {
      jobId: 'stack-1',
      outcome: 'failed',
      error: {
        code: 'IMAGE_NOT_FOUND',
        message: 'grafana/grafana-oss:11.4.0 is not on this machine.',
      },
    })
    expect(store.isStarting).toBe(false)
    expect(store.error).toMatchObject({ code: 'IMAGE_NOT_FOUND' })
  })

  it('after a reconnect forgets a start job that ended meanwhile and re-reads the status (regression: "starting" for ever when the terminal event was lost)', async () => {
    bridge.respond('jobs:running', () => ({ jobIds: [] })).respond('stack:status', () => healthy)
    const store = useStackStore()
    await store.start()
    expect(store.isStarting).toBe(true)
    announceBridgeReconnect()
    await vi.waitFor(() => expect(store.status).toEqual(healthy))
    expect(store.isStarting).toBe(false)
  })

  it('after a reconnect keeps following a start job that still runs', async () => {
    bridge
      .respond('jobs:running', () => ({ jobIds: ['stack-1'] }))
      .respond('stack:status', () => healthy)
    const store = useStackStore()
    await store.start()
    announceBridgeReconnect()
    await vi.waitFor(() => expect(store.status).toEqual(healthy))
    expect(store.jobId).toBe('stack-1')
  })
})
