import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { RawData, WebSocket } from 'ws'
import { WebSocketServer } from 'ws'
import type { InvokeHandlers } from '../app/dispatch-request'
import { dispatchRequest } from '../app/dispatch-request'
import type { EventSink } from '../app/event-sink'
import { buildContentSecurityPolicy } from '../app/content-security-policy'
import type { SerializedError } from '../shared/errors'
import type { EventName, PayloadOf, Result } from '../shared/ipc-contract'
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
 * Requests one socket may have waiting for an answer. The panel's views send a handful at a time; a page
 * (or a script holding the token) that sends hundreds gets a BUSY answer beyond this at once instead of
 * queueing work that would starve everyone else, the running backfill included.
 */
export const MAX_REQUESTS_IN_FLIGHT = 16

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
    if (!allowedHosts.includes(request.headers.host ?? '')) {
      return sendText(response, 421, 'Wrong host.')
    }
    const url = parseTarget(request.url)
    if (url === null) return sendText(response, 400, 'Bad request target.')
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

  const webSockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // One message per tick: a burst of hundreds of requests in one TCP read is otherwise parsed and
    // answered in one go, holding the event loop for everyone (issue 9).
    allowSynchronousEvents: false,
  })
  server.on('upgrade', (request, socket, head) => {
    // Node removes its own error listener from an upgraded socket: without one, a client that resets
    // the connection while we answer would crash the process.
    socket.on('error', (error) => log(`[server] upgrade socket: ${error.message}`))
    try {
      handleUpgrade(request, socket, head)
    } catch (error) {
      // Bad input must end in a refusal, never a crash: nothing above should throw, but if it does,
      // this connection alone pays for it.
      log(`[server] upgrade of ${pathOf(request)} failed: ${String(error)}`)
      refuseUpgrade(socket, '400 Bad Request')
    }
  })

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // `GET http://[ HTTP/1.1` and other unparseable targets: refused, never thrown (issue 9).
    const url = parseTarget(request.url)
    if (url === null) {
      refuseUpgrade(socket, '400 Bad Request')
      return
    }
    const isOwnPage =
      url.pathname === WEBSOCKET_PATH &&
      allowedHosts.includes(request.headers.host ?? '') &&
      allowedOrigins.includes(request.headers.origin ?? '')
    if (!isOwnPage) {
      refuseUpgrade(socket, '401 Unauthorized')
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
      let inFlight = 0
      webSocket.on('message', (data) => {
        const isOverBound = inFlight >= MAX_REQUESTS_IN_FLIGHT
        if (!isOverBound) inFlight++
        answer(webSocket, data, isOverBound)
          .catch((error: unknown) => log(`[server] answering a message failed: ${String(error)}`))
          .finally(() => {
            if (!isOverBound) inFlight--
          })
      })
    })
  }

  async function answer(webSocket: WebSocket, data: RawData, isOverBound: boolean): Promise<void> {
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
    const result: Result<unknown> = isOverBound
      ? { ok: false, error: busyError() }
      : await dispatchRequest(options.handlers, message.channel, message.request)
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

/** The answer to a request beyond `MAX_REQUESTS_IN_FLIGHT`, worded for the panel. */
function busyError(): SerializedError {
  return {
    code: 'BUSY',
    message: `driftdesk is still working on ${MAX_REQUESTS_IN_FLIGHT} requests from this page; this one was not started. Wait for the running ones to finish, then try again.`,
  }
}

/** The request target as a URL on our own origin, or null when it cannot be parsed (`http://[`). */
function parseTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1')
  } catch {
    return null
  }
}

function refuseUpgrade(socket: Duplex, status: string): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  // As ws's own refusals do: let the answer flush, then drop the connection.
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
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
