import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { PreloadApi } from '../shared/ipc-contract'
import { isEventName, isInvokeChannel } from '../shared/ipc-contract'

/**
 * Exposes `window.api` to the sandboxed renderer: only the contract's channels and events are reachable,
 * results stay enveloped (the renderer rebuilds AppErrors), and `on` returns its unsubscribe function.
 */
const api: PreloadApi = {
  invoke(channel, request) {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error(`Unknown channel '${channel}'.`))
    return ipcRenderer.invoke(channel, request)
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event '${event}'.`)
    const forward = (_event: IpcRendererEvent, payload: unknown): void => {
      listener(payload as Parameters<typeof listener>[0])
    }
    ipcRenderer.on(event, forward)
    return () => {
      ipcRenderer.removeListener(event, forward)
    }
  },
}

contextBridge.exposeInMainWorld('api', api)
