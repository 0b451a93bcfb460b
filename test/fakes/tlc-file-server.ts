import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import { Server as HttpsServer, createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

/** How the fake answers one file name, instead of serving its bytes normally. */
export type TlcFileMisbehaviour =
  /** Sends the full Content-Length but destroys the socket after `afterBytes` bytes, `times` times. */
  | { kind: 'cut'; afterBytes: number; times: number }
  /** Answers with this status and body (an HTML error page with 200, a 404, …), `times` times (default always). */
  | { kind: 'respond'; status: number; body: string; contentType: string; times?: number }
  /** Sends the body in `chunkBytes` pieces every `delayMs` (a slow link), so downloads overlap in time. */
  | { kind: 'slow'; chunkBytes: number; delayMs: number }
  /** Redirects to another path on this server, as a CDN may. */
  | { kind: 'redirect'; status: 301 | 302 | 307 | 308; to: string }
  /** Sends only the first `bytes` bytes with no Content-Length (chunked), then ends cleanly. */
  | { kind: 'short-chunked'; bytes: number }
  /** Sends `afterBytes` bytes, then goes silent with the socket open (a stalled connection), `times` times. */
  | { kind: 'stall'; afterBytes: number; times: number }

export interface TlcRequestRecord {
  readonly path: string
  readonly range: string | undefined
  readonly ifRange: string | undefined
}

/**
 * A real HTTP server on 127.0.0.1 that plays the TLC's CloudFront bucket for download tests: it serves
 * files by name (`/green_tripdata_2022-01.parquet`), with Range and ETag support like CloudFront (or
 * without, to test restarts), records every request, and misbehaves on demand.
 */
export class TlcFileServer {
  readonly requests: TlcRequestRecord[] = []
  private readonly misbehaviours = new Map<string, TlcFileMisbehaviour>()
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    private readonly files: Map<string, Uint8Array>,
    private readonly acceptsRanges: boolean,
    private readonly sendsValidator: boolean,
  ) {}

  static async start(
    files: ReadonlyMap<string, Uint8Array>,
    options: {
      acceptsRanges?: boolean
      /** Send an ETag (default true); without one a client cannot safely resume. */
      sendsValidator?: boolean
      tls?: { key: Buffer; cert: Buffer }
    } = {},
  ): Promise<TlcFileServer> {
    const server = options.tls === undefined ? createServer() : createHttpsServer(options.tls)
    const instance = new TlcFileServer(
      server,
      new Map(files),
      options.acceptsRanges ?? true,
      options.sendsValidator ?? true,
    )
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      instance.handle(request, response),
    )
    // For HTTPS, 'connection' still reports the raw TCP socket, which is what close() must destroy.
    server.on('connection', (socket: Socket) => {
      instance.sockets.add(socket)
      socket.once('close', () => instance.sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return instance
  }

  /** Base URL to put in DRIFTDESK_TRIP_DATA_URL. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo
    const scheme = this.server instanceof HttpsServer ? 'https' : 'http'
    return `${scheme}://127.0.0.1:${port}/trip-data`
  }

  /** Requests received for one file name. */
  hits(fileName: string): number {
    return this.requests.filter((request) => request.path === `/trip-data/${fileName}`).length
  }

  /** Publishes a new version of a file (the TLC re-published some months), e.g. between two attempts. */
  replaceFile(fileName: string, bytes: Uint8Array): void {
    this.files.set(fileName, bytes)
  }

  misbehave(fileName: string, how: TlcFileMisbehaviour): void {
    this.misbehaviours.set(fileName, how)
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const range = request.headers.range
    const ifRange = request.headers['if-range']
    this.requests.push({ path, range, ifRange: typeof ifRange === 'string' ? ifRange : undefined })
    const fileName = path.replace(/^\/trip-data\//, '')
    const how = this.misbehaviours.get(fileName)
    if (how?.kind === 'respond' && (how.times === undefined || how.times > 0)) {
      if (how.times !== undefined) how.times--
      response.writeHead(how.status, { 'content-type': how.contentType })
      response.end(how.body)
      return
    }
    if (how?.kind === 'redirect') {
      response.writeHead(how.status, { location: how.to })
      response.end()
      return
    }
    const bytes = this.files.get(fileName)
    if (bytes === undefined) {
      // CloudFront in front of S3 answers a missing key with 403 and an XML body.
      response.writeHead(403, { 'content-type': 'application/xml' })
      response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code></Error>')
      return
    }
    if (how?.kind === 'short-chunked') {
      response.writeHead(200, { 'content-type': 'binary/octet-stream' })
      response.end(Buffer.from(bytes.subarray(0, how.bytes)))
      return
    }
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`
    const headers: Record<string, string | number> = { 'content-type': 'binary/octet-stream' }
    if (this.sendsValidator) headers.etag = etag
    if (this.acceptsRanges) headers['accept-ranges'] = 'bytes'
    let start = 0
    const match = /^bytes=(\d+)-$/.exec(range ?? '')
    const isRangeHonoured =
      this.acceptsRanges && match !== null && (ifRange === undefined || ifRange === etag)
    if (isRangeHonoured) {
      start = Number(match[1])
      if (start >= bytes.length) {
        response.writeHead(416, { 'content-range': `bytes */${bytes.length}` })
        response.end()
        return
      }
      headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`
    }
    const body = Buffer.from(bytes.subarray(start))
    headers['content-length'] = body.length
    response.writeHead(isRangeHonoured ? 206 : 200, headers)
    if (how?.kind === 'cut' && how.times > 0) {
      how.times--
      const sent = Math.max(0, Math.min(how.afterBytes - start, body.length - 1))
      response.write(body.subarray(0, sent), () => response.socket?.destroy())
      return
    }
    if (how?.kind === 'slow') {
      let offset = 0
      const timer = setInterval(() => {
        const piece = body.subarray(offset, offset + how.chunkBytes)
        offset += piece.length
        if (piece.length > 0 && !response.destroyed) response.write(piece)
        if (offset >= body.length || response.destroyed) {
          clearInterval(timer)
          response.end()
        }
      }, how.delayMs)
      return
    }
    if (how?.kind === 'stall' && how.times > 0) {
      how.times--
      // Nothing more is sent; close() destroys the socket if the client never gives up.
      response.write(
        body.subarray(0, Math.max(0, Math.min(how.afterBytes - start, body.length - 1))),
      )
      return
    }
    response.end(body)
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released), for "connection refused". */
export async function closedLocalPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * A throwaway self-signed certificate for 127.0.0.1, made with the openssl command line into `dir`: what an
 * intercepting proxy presents, or, trusted through NODE_EXTRA_CA_CERTS, a working HTTPS test server.
 */
export function selfSignedCertificate(dir: string): {
  key: Buffer
  cert: Buffer
  certPath: string
} {
  const keyPath = join(dir, 'key.pem')
  const certPath = join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ].concat(['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath]),
    { stdio: 'ignore' },
  )
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath }
}
