import type { PanelApi } from '../../../src-main/shared/ipc-contract'

/**
 * The renderer's single door to main: the Electron bridge or the browser-mode WebSocket client, both
 * implementing the contract's `PanelApi`. `main.ts` installs one at start; tests install a fake. Only
 * stores call `useBridge()`.
 */
export type Bridge = PanelApi

let installed: Bridge | null = null

export function installBridge(bridge: Bridge): void {
  installed = bridge
}

export function useBridge(): Bridge {
  if (installed === null)
    throw new Error('No bridge installed: call installBridge() before using a store.')
  return installed
}
