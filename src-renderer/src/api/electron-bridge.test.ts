import { describe, expect, it, vi } from 'vitest'
import type { PreloadApi } from '../../../src-main/shared/ipc-contract'
import { createElectronBridge } from './electron-bridge'

describe('createElectronBridge', () => {
  it('unwraps successes and throws AppErrors rebuilt from the envelope', async () => {
    const preload = {
      invoke: vi.fn(async (channel: string) =>
        channel === 'runs:list'
          ? { ok: true, value: [] }
          : { ok: false, error: { code: 'FORBIDDEN', message: 'Not the panel.' } },
      ),
      on: vi.fn(() => () => undefined),
    } as unknown as PreloadApi
    const bridge = createElectronBridge(preload)
    await expect(bridge.invoke('runs:list', {})).resolves.toEqual([])
    await expect(bridge.invoke('runs:show', { runId: 'a' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
  })
})
