import { contextBridge, ipcRenderer } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import type { PreloadApi } from '../shared/ipc-contract'

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn(async () => ({ ok: true, value: [] })),
    on: vi.fn(),
    removeListener: vi.fn(),
  },
}))

async function exposedApi(): Promise<PreloadApi> {
  await import('./index')
  const call = vi.mocked(contextBridge.exposeInMainWorld).mock.calls[0]
  expect(call?.[0]).toBe('api')
  return call?.[1] as PreloadApi
}

describe('the preload bridge', () => {
  it('forwards contract channels to main and keeps the result envelope', async () => {
    const api = await exposedApi()
    expect(await api.invoke('runs:list', {})).toEqual({ ok: true, value: [] })
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('runs:list', {})
  })

  it('refuses channels outside the contract', async () => {
    const api = await exposedApi()
    await expect(api.invoke('shell:exec' as 'runs:list', {})).rejects.toThrow(
      "Unknown channel 'shell:exec'.",
    )
    expect(() => api.on('anything' as 'pipeline:progress', () => undefined)).toThrow(
      "Unknown event 'anything'.",
    )
  })

  it('delivers event payloads without the IPC event object, and unsubscribes', async () => {
    const api = await exposedApi()
    const listener = vi.fn()
    const unsubscribe = api.on('pipeline:finished', listener)
    const forward = vi.mocked(ipcRenderer.on).mock.calls.at(-1)?.[1] as (
      event: unknown,
      payload: unknown,
    ) => void
    forward({ sender: 'ipc internals' }, { jobId: 'j', outcome: 'cancelled' })
    expect(listener).toHaveBeenCalledWith({ jobId: 'j', outcome: 'cancelled' })
    unsubscribe()
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith('pipeline:finished', forward)
  })
})
