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
import { WEBSOCKET_PATH, TOKEN_COOKIE, TOKEN_PARAMETER } from '../shared/browser-mode-protocol'

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
 * 127.0.0.1 only. A random per-start token guards both: the page is served only with the token (in the
 * URL, or the SameSite=Strict cookie set when it was) and the WebSocket only with the token in its URL
 * and an `Origin` equal to the server's own. Another local page (another port is another origin but the
 * same site) therefore cannot drive the services, and a `Host` check defeats DNS rebinding.
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
      log(`[server] ${request.url ?? ''} failed: ${String(error)}`)
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
    const hasUrlToken = isTokenValid(url.searchParams.get(TOKEN_PARAMETER))
    const hasCookieToken = isTokenValid(readCookie(request.headers.cookie, TOKEN_COOKIE))
    if (!hasUrlToken && !hasCookieToken) {
      return sendText(
        response,
        403,
        'This driftdesk panel needs its access token: open the URL printed by `npm start`.',
      )
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
      if (hasUrlToken) {
        headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
      }
    }
    response.writeHead(200, headers)
    response.end(request.method === 'HEAD' ? undefined : file.body)
  }

  const webSockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin)
    const isAllowed =
      url.pathname === WEBSOCKET_PATH &&
      allowedHosts.includes(request.headers.host ?? '') &&
      allowedOrigins.includes(request.headers.origin ?? '') &&
      isTokenValid(url.searchParams.get(TOKEN_PARAMETER))
    if (!isAllowed) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => {
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

function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return null
}
