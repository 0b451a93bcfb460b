import { TOKEN_PARAMETER, WEBSOCKET_PATH } from '../../../src-main/shared/browser-mode-protocol'
import type { Bridge } from './bridge'
import { createElectronBridge } from './electron-bridge'
import type { WebSocketBridge } from './websocket-bridge'
import { createWebSocketBridge } from './websocket-bridge'

const TOKEN_STORAGE_KEY = 'driftdesk-token'

/**
 * Picks the transport: Electron's preload bridge when present, otherwise the browser-mode WebSocket.
 * The access token arrives once in the URL; it is kept in this tab's sessionStorage and removed from the
 * address bar so it does not end up in screenshots or shared links.
 */
export function selectBridge(target: Window): {
  bridge: Bridge
  webSocket: WebSocketBridge | null
} {
  if (target.api !== undefined) return { bridge: createElectronBridge(target.api), webSocket: null }
  const url = new URL(target.location.href)
  const fromUrl = url.searchParams.get(TOKEN_PARAMETER)
  if (fromUrl !== null) {
    target.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl)
    url.searchParams.delete(TOKEN_PARAMETER)
    target.history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  const token = fromUrl ?? target.sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? ''
  const socketUrl = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}${WEBSOCKET_PATH}?${TOKEN_PARAMETER}=${encodeURIComponent(token)}`
  const webSocket = createWebSocketBridge(socketUrl)
  return { bridge: webSocket, webSocket }
}
