import type { EventName, PayloadOf } from '../shared/ipc-contract'

/**
 * Where the control panel pushes events. Electron sends them to its window's webContents; browser mode
 * broadcasts them to the authenticated WebSocket clients. The panel never knows which.
 */
export interface EventSink {
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void
}
