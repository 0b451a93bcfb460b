import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RawData, WebSocket } from 'ws'
import { WebSocketServer } from 'ws'
import type { InvokeHandlers } from '../app/dispatch-request'
import { dispatchRequest } from '../app/dispatch-request'
import type { EventSink } from '../app/event-sink'
import { buildContentSecurityPolicy } from '../app/content-security-policy'
import type { EventName, PayloadOf } from '../shared/ipc-contract'
import { readRendererFile } from './renderer-files'
import type { ClientMessage, ServerMessage } from '../shared/browser-mode-protocol'
import {
  TOKEN_REJECTED_CLOSE_CODE,
  TOKEN_PARAMETER,
  WEBSOCKET_PATH,
} from '../shared/browser-mode-protocol'

export interface BrowserServerOptions {
  readonly handlers: InvokeHandlers
  /** The built renderer (`out/renderer`). */
  readonly rendererDir: string
  /** 0 picks a free port. The server always binds 127.0.0.1. */
  readonly port?: number
  /** Fixed only in tests; otherwise 24 random bytes per start. */
  readonly token?: string
  readonly frameOrigins: () => readonly string[]
  readonly log?: (message: string) => void
}

export interface BrowserServer extends EventSink {
  /** `http://127.0.0.1:PORT/?token=…`: the only URL that opens the panel. */
  readonly url: string
  readonly origin: string
  readonly token: string
  readonly port: number
  close(): Promise<void>
}

const MAX_MESSAGE_BYTES = 1024 * 1024

/**
 * Browser mode: serves the built renderer and the control panel's contract over a WebSocket, on
 * 127.0.0.1 only. The static files hold no secret and are served to anyone who passes the `Host` check
 * (which defeats DNS rebinding). The random per-start token guards the WebSocket, together with an
 * `Origin` equal to the server's own: another local page cannot drive the services. The token is never
 * put in a cookie: cookies ignore ports, so every other 127.0.0.1 server (Grafana, Adminer, …) would
 * receive it. The page keeps it in its tab's sessionStorage instead. A socket with the right origin but a
 * missing or wrong token is closed with `TOKEN_REJECTED_CLOSE_CODE`, so the page can tell the user to
 * open the printed URL instead of reconnecting for ever.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const log = options.log ?? (() => {})
  const sockets = new Set<WebSocket>()
  let origin = ''
  let allowedHosts: readonly string[] = []
  let allowedOrigins: readonly string[] = []

  const isTokenValid = (candidate: string | null | undefined): boolean => {
    if (typeof candidate !== 'string') return false
    const expected = Buffer.from(token)
    const given = Buffer.from(candidate)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      log(`[server] ${pathOf(request)} failed: ${String(error)}`)
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin)
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      return sendText(response, 421, 'Wrong host.')
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendText(response, 405, 'Method not allowed.')
    }
    const file = await readRendererFile(options.rendererDir, url.pathname)
    if (file === null) return sendText(response, 404, 'Not found.')
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    }
    if (file.isDocument) {
      headers['content-security-policy'] = buildContentSecurityPolicy({
        frameOrigins: options.frameOrigins(),
        // The host was checked above; the page's WebSocket goes back to the same host name.
        connectSources: [`ws://${request.headers.host ?? ''}`],
      })
      headers['x-frame-options'] = 'DENY'
    }
    response.writeHead(200, headers)
    response.end(request.method === 'HEAD' ? undefined : file.body)
  }

  const webSockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin)
    const isOwnPage =
      url.pathname === WEBSOCKET_PATH &&
      allowedHosts.includes(request.headers.host ?? '') &&
      allowedOrigins.includes(request.headers.origin ?? '')
    if (!isOwnPage) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    // A browser's WebSocket cannot read a refused handshake's status, so our own page with a missing
    // or stale token gets an open socket that is closed at once with a code it can act on. Such a
    // socket never receives events and its messages are never read.
    const hasToken = isTokenValid(url.searchParams.get(TOKEN_PARAMETER))
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
      // Without a listener, an 'error' (e.g. a message over maxPayload) would crash the process.
      webSocket.on('error', (error) => log(`[server] WebSocket ${url.pathname}: ${error.message}`))
      if (!hasToken) {
        webSocket.close(TOKEN_REJECTED_CLOSE_CODE, 'Missing or wrong access token.')
        return
      }
      sockets.add(webSocket)
      webSocket.on('close', () => sockets.delete(webSocket))
      webSocket.on('message', (data) => void answer(webSocket, data))
    })
  })

  async function answer(webSocket: WebSocket, data: RawData): Promise<void> {
    let message: ClientMessage
    try {
      message = JSON.parse(data.toString()) as ClientMessage
    } catch {
      // Not JSON: nothing to answer to; close like any protocol violation.
      webSocket.close(1003, 'Messages must be JSON.')
      return
    }
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') {
      webSocket.close(1003, 'Messages need a numeric id.')
      return
    }
    const result = await dispatchRequest(options.handlers, message.channel, message.request)
    const reply: ServerMessage = { type: 'result', id: message.id, result }
    if (webSocket.readyState === webSocket.OPEN) webSocket.send(JSON.stringify(reply))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  origin = `http://127.0.0.1:${port}`
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`]
  allowedOrigins = allowedHosts.map((host) => `http://${host}`)

  return {
    url: `${origin}/?${TOKEN_PARAMETER}=${token}`,
    origin,
    token,
    port,
    emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
      const message = { type: 'event', event, payload } as ServerMessage
      const text = JSON.stringify(message)
      for (const webSocket of sockets) {
        if (webSocket.readyState === webSocket.OPEN) webSocket.send(text)
      }
    },
    async close(): Promise<void> {
      for (const webSocket of sockets) webSocket.terminate()
      webSockets.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  response.end(text)
}

/** The path only: `request.url` may carry `?token=…`, which must never reach a log. */
function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://127.0.0.1').pathname
  } catch {
    // An unparseable request target: log nothing of it rather than risk logging a token.
    return '(unparseable path)'
  }
}
