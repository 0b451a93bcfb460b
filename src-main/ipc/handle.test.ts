/* eslint-disable no-restricted-syntax -- this test inspects the mocked ipcMain.handle calls that handle.ts owns */
import type { IpcMainInvokeEvent } from 'electron'
import { ipcMain } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { InvokeHandlers } from '../app/dispatch-request'
import { INVOKE_CHANNELS } from '../shared/ipc-contract'
import { createSenderCheck, registerInvokeHandlers } from './handle'

vi.mock('electron', () => ({
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
}))

type Listener = (event: IpcMainInvokeEvent, request: unknown) => Promise<unknown>

function registeredListener(channel: string): Listener {
  const call = vi.mocked(ipcMain.handle).mock.calls.find(([name]) => name === channel)
  if (call === undefined) throw new Error(`${channel} was not registered`)
  return call[1] as Listener
}

function eventFrom(url: string, options: { isMainFrame?: boolean } = {}): IpcMainInvokeEvent {
  const mainFrame = { url }
  const senderFrame = options.isMainFrame === false ? { url } : mainFrame
  return { sender: { mainFrame }, senderFrame } as unknown as IpcMainInvokeEvent
}

describe('registerInvokeHandlers', () => {
  beforeEach(() => {
    vi.mocked(ipcMain.handle).mockClear()
    vi.mocked(ipcMain.removeHandler).mockClear()
  })

  it('registers every channel of the contract, and removes them all again', () => {
    const unregister = registerInvokeHandlers({} as InvokeHandlers, () => true)
    expect(vi.mocked(ipcMain.handle).mock.calls.map(([channel]) => channel)).toEqual([
      ...INVOKE_CHANNELS,
    ])
    unregister()
    expect(vi.mocked(ipcMain.removeHandler).mock.calls.map(([channel]) => channel)).toEqual([
      ...INVOKE_CHANNELS,
    ])
  })

  it('answers a trusted page with the result envelope', async () => {
    const runsList = vi.fn(async () => [])
    registerInvokeHandlers({ 'runs:list': runsList } as unknown as InvokeHandlers, () => true)
    const answer = await registeredListener('runs:list')(
      eventFrom('driftdesk://panel/index.html'),
      { limit: 3 },
    )
    expect(answer).toEqual({ ok: true, value: [] })
    expect(runsList).toHaveBeenCalledWith({ limit: 3 })
  })

  it('refuses an untrusted sender without calling the service', async () => {
    const runsList = vi.fn(async () => [])
    registerInvokeHandlers({ 'runs:list': runsList } as unknown as InvokeHandlers, () => false)
    const answer = await registeredListener('runs:list')(eventFrom('https://evil.example'), {})
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(runsList).not.toHaveBeenCalled()
  })

  it('validates the request before the service sees it', async () => {
    const runsShow = vi.fn()
    registerInvokeHandlers({ 'runs:show': runsShow } as unknown as InvokeHandlers, () => true)
    const answer = await registeredListener('runs:show')(eventFrom('driftdesk://panel/'), {
      runId: 42,
    })
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(runsShow).not.toHaveBeenCalled()
  })
})

describe('createSenderCheck', () => {
  const isTrusted = createSenderCheck('driftdesk://panel')

  it("trusts the panel's own top-level page", () => {
    expect(isTrusted(eventFrom('driftdesk://panel/index.html#/reports'))).toBe(true)
  })

  it('distrusts other origins and any subframe (an embedded Grafana)', () => {
    expect(isTrusted(eventFrom('http://127.0.0.1:3000/d/x'))).toBe(false)
    expect(isTrusted(eventFrom('driftdesk://panel/index.html', { isMainFrame: false }))).toBe(false)
    expect(
      isTrusted({
        sender: { mainFrame: null },
        senderFrame: null,
      } as unknown as IpcMainInvokeEvent),
    ).toBe(false)
  })
})
