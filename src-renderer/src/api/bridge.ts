import type { PanelApi } from '../../../src-main/shared/ipc-contract'

/**
 * The renderer's single door to main: the Electron bridge or the browser-mode WebSocket client, both
 * implementing the contract's `PanelApi`. `main.ts` installs one at start; tests install a fake. Only
 * stores call `useBridge()`.
 */
export type Bridge = PanelApi

let installed: Bridge | null = null
const reconnectListeners = new Set<() => void>()

/** Installs the transport; reconnect listeners of stores built on a previous one are dropped. */
export function installBridge(bridge: Bridge): void {
  installed = bridge
  reconnectListeners.clear()
}

export function useBridge(): Bridge {
  if (installed === null)
    throw new Error('No bridge installed: call installBridge() before using a store.')
  return installed
}

/**
 * Runs `listener` each time the transport comes back after a drop. Events pushed meanwhile (terminal
 * ones included) are lost, so a store that mirrors main's state re-reads it here. Returns an
 * unsubscribe function.
 */
export function onBridgeReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener)
  return () => {
    reconnectListeners.delete(listener)
  }
}

/** Called by the transport (browser mode's WebSocket) once it has reconnected. */
export function announceBridgeReconnect(): void {
  for (const listener of reconnectListeners) listener()
}
