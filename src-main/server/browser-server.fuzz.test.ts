import { randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect as connectTcp } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { InvokeHandlers } from '../app/dispatch-request'
import type { BrowserServer } from './browser-server'
import { MAX_REQUESTS_IN_FLIGHT, startBrowserServer } from './browser-server'

/**
 * Hostile and broken input against the real browser-mode server over real sockets (issue 9: one
 * malformed upgrade, `GET http://[`, killed the process). Every case must end in a refusal or a closed
 * connection, and the server must still answer a valid page request and a valid WebSocket request
 * afterwards. A crash would also surface as an uncaught exception, which fails the run.
 */
const TOKEN = 'fuzz-token-0123456789abcdef'

/** Writes raw bytes, half-closes, and resolves with everything the server sent before it closed. */
function sendRaw(port: number, chunks: readonly (string | Buffer)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port }, () => {
      for (const chunk of chunks) socket.write(chunk)
      socket.end()
    })
    const received: Buffer[] = []
    socket.on('data', (data: Buffer) => received.push(data))
    // The server may reset a connection it refuses; that is a refusal too.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return
      reject(error)
    })
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')))
  })
}

function getPage(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path: '/' }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

function openSocket(server: BrowserServer): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, {
      origin: server.origin,
    })
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Collects answers by id until `count` have come. */
function answers(socket: WebSocket, count: number): Promise<Map<number, unknown>> {
  return new Promise((resolve) => {
    const byId = new Map<number, unknown>()
    const onMessage = (data: unknown): void => {
      const message = JSON.parse(String(data)) as { type: string; id: number; result: unknown }
      if (message.type !== 'result') return
      byId.set(message.id, message.result)
      if (byId.size === count) {
        socket.off('message', onMessage)
        resolve(byId)
      }
    }
    socket.on('message', onMessage)
  })
}

const upgradeHeaders = (host: string, origin: string, extra = ''): string =>
  `Host: ${host}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`

describe('the browser-mode server under hostile input (issue 9)', () => {
  let rendererDir: string
  let server: BrowserServer
  let release: () => void = () => undefined
  let held: Promise<void> = Promise.resolve()
  const logged: string[] = []
  const handlers = {
    'runs:list': async () => [],
    'jobs:running': async () => {
      await held
      return { jobIds: [] }
    },
  } as unknown as InvokeHandlers

  beforeAll(async () => {
    rendererDir = mkdtempSync(join(tmpdir(), 'driftdesk-fuzz-renderer-'))
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>driftdesk</title>')
    server = await startBrowserServer({
      handlers,
      rendererDir,
      token: TOKEN,
      frameOrigins: () => [],
      log: (line) => logged.push(line),
    })
  })

  afterAll(async () => {
    await server.close()
    rmSync(rendererDir, { recursive: true, force: true })
  })

  /** The server is alive and still serves both the page and the contract. */
  async function expectStillServing(): Promise<void> {
    expect(await getPage(server.port)).toBe(200)
    const socket = await openSocket(server)
    try {
      const answered = answers(socket, 1)
      socket.send(JSON.stringify({ id: 1, channel: 'runs:list', request: {} }))
      expect((await answered).get(1)).toEqual({ ok: true, value: [] })
    } finally {
      socket.close()
    }
  }

  it('refuses a malformed WebSocket upgrade target instead of crashing (regression: `GET http://[` killed the server)', async () => {
    const host = `127.0.0.1:${server.port}`
    const answer = await sendRaw(server.port, [
      `GET http://[ HTTP/1.1\r\n${upgradeHeaders(host, server.origin)}`,
    ])
    expect(answer).toMatch(/^HTTP\/1\.1 400/)
    await expectStillServing()
  })

  it('refuses malformed upgrade requests of every kind and keeps serving', async () => {
    const host = `127.0.0.1:${server.port}`
    const targets = [
      'http://[',
      'http://[::1',
      'http://%zz/ws',
      '//[/ws',
      '*',
      '/ws?token=%zz',
      `/ws?token=${'A'.repeat(8000)}`,
      '/ws?token=' + TOKEN + '&token=x',
      '/\u00ff\u00fe',
      'ws://127.0.0.1/ws',
      '/ws#frag',
    ]
    for (const target of targets) {
      const answer = await sendRaw(server.port, [
        `GET ${target} HTTP/1.1\r\n${upgradeHeaders(host, server.origin)}`,
      ])
      // A refusal (400, 401) or the token-rejected close; never a crash or a silent hang.
      expect(answer, target).toMatch(/^HTTP\/1\.1 (400|401|101)/)
    }
    const hosts = ['', 'evil.example', `[::1]:${server.port}`, '\u00e9', `${host}, ${host}`]
    for (const badHost of hosts) {
      const answer = await sendRaw(server.port, [
        `GET /ws?token=${TOKEN} HTTP/1.1\r\n${upgradeHeaders(badHost, server.origin)}`,
      ])
      expect(answer, badHost).toMatch(/^HTTP\/1\.1 (400|401)/)
    }
    const badHandshakes = [
      `Host: ${host}\r\nOrigin: ${server.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      `Host: ${host}\r\nOrigin: ${server.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      upgradeHeaders(host, server.origin).replace('Version: 13', 'Version: 8'),
      upgradeHeaders(host, 'null'),
      upgradeHeaders(host, server.origin, `Sec-WebSocket-Extensions: ${'x;'.repeat(2000)}\r\n`),
    ]
    for (const headers of badHandshakes) {
      const answer = await sendRaw(server.port, [`GET /ws?token=${TOKEN} HTTP/1.1\r\n${headers}`])
      expect(answer).toMatch(/^HTTP\/1\.1 (400|401|101)/)
    }
    await expectStillServing()
  })

  it('answers malformed and odd HTTP requests with a refusal and keeps serving', async () => {
    const host = `Host: 127.0.0.1:${server.port}\r\n`
    const requests = [
      `GET http://[ HTTP/1.1\r\n${host}\r\n`,
      `GET http://%zz/ HTTP/1.1\r\n${host}\r\n`,
      `GET * HTTP/1.1\r\n${host}\r\n`,
      `GET //[/ HTTP/1.1\r\n${host}\r\n`,
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\n${host}\r\n`,
      `GET / HTTP/1.1\r\n${host}X-Big: ${'b'.repeat(100_000)}\r\n\r\n`,
      `GET / HTTP/1.1\r\n${host}${'X-Many: 1\r\n'.repeat(5000)}\r\n`,
      `GET / HTTP/9.9\r\n${host}\r\n`,
      `BREW / HTTP/1.1\r\n${host}\r\n`,
      `POST / HTTP/1.1\r\n${host}Content-Length: 5\r\n\r\nhello`,
      `POST / HTTP/1.1\r\n${host}Content-Length: 99999999\r\n\r\nshort`,
      `GET / HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
      `GET / HTTP/1.1\r\nHost: \r\n\r\n`,
      `GET / HTTP/1.1\r\n\r\n`,
      `GET /\x00 HTTP/1.1\r\n${host}\r\n`,
      `GET /%00/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n${host}\r\n`,
      `\r\n\r\n\r\n`,
      `GET / HTTP/1.1\r\n${host}`,
      `GET / HTTP/1.1\r\n${host}\r\nGET http://[ HTTP/1.1\r\n${host}\r\n`,
    ]
    for (const raw of requests) {
      const answer = await sendRaw(server.port, [raw])
      expect(answer === '' || /^HTTP\/1\.1 \d{3}/.test(answer), raw.slice(0, 60)).toBe(true)
      expect(answer, raw.slice(0, 60)).not.toMatch(/^HTTP\/1\.1 5/)
    }
    await sendRaw(server.port, [randomBytes(64 * 1024)])
    await expectStillServing()
  })

  it('closes a signed-in socket that sends garbage frames and keeps serving', async () => {
    const host = `127.0.0.1:${server.port}`
    const handshake = `GET /ws?token=${TOKEN} HTTP/1.1\r\n${upgradeHeaders(host, server.origin)}`
    const frames: Buffer[] = [
      randomBytes(4096),
      // Unmasked text frame (clients must mask).
      Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]),
      // A 64-bit length far over the limit.
      Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]),
      // A reserved opcode, and a control frame longer than 125 bytes.
      Buffer.from([0x83, 0x80, 1, 2, 3, 4]),
      Buffer.from([0x89, 0xfe, 0x01, 0x00, 1, 2, 3, 4]),
      // A continuation with nothing to continue.
      Buffer.from([0x80, 0x80, 1, 2, 3, 4]),
    ]
    for (const frame of frames) {
      const answer = await sendRaw(server.port, [handshake, frame])
      expect(answer).toMatch(/^HTTP\/1\.1 101/)
    }
    await expectStillServing()
  })

  it('answers or closes on messages that are not requests, and keeps serving', async () => {
    const messages: (string | Buffer)[] = [
      'not json',
      'null',
      '[]',
      '"text"',
      '{"id":"1"}',
      '{"id":1e400}',
      JSON.stringify({ id: 1, channel: '__proto__', request: {} }),
      JSON.stringify({ id: 2, channel: 'constructor', request: {} }),
      JSON.stringify({ id: 3, channel: 'runs:list', request: { limit: 'x'.repeat(900_000) } }),
      JSON.stringify({ id: 4, channel: 'runs:show', request: JSON.parse('{"__proto__":{"x":1}}') }),
      `{"id":5,"channel":"runs:list","request":${'{"a":'.repeat(100_000)}{}${'}'.repeat(100_000)}}`,
      randomBytes(1024),
    ]
    for (const message of messages) {
      const socket = await openSocket(server)
      socket.on('error', () => undefined)
      const ended = new Promise<void>((resolve) => {
        socket.once('message', () => resolve())
        socket.once('close', () => resolve())
      })
      socket.send(message)
      await ended
      socket.close()
    }
    await expectStillServing()
  })

  it(`answers BUSY beyond ${MAX_REQUESTS_IN_FLIGHT} requests in flight on one socket, then serves again`, async () => {
    held = new Promise<void>((resolve) => (release = resolve))
    const socket = await openSocket(server)
    try {
      const total = MAX_REQUESTS_IN_FLIGHT + 5
      const answered = answers(socket, total)
      const busyFirst = answers(socket, 5)
      for (let id = 1; id <= total; id++) {
        socket.send(JSON.stringify({ id, channel: 'jobs:running', request: {} }))
      }
      // The five over the bound are answered at once, while the others still wait.
      const early = await busyFirst
      expect([...early.keys()].sort((a, b) => a - b)).toEqual([17, 18, 19, 20, 21])
      for (const result of early.values()) {
        expect(result).toMatchObject({ ok: false, error: { code: 'BUSY' } })
        expect((result as { error: { message: string } }).error.message).toMatch(/try again/)
      }
      release()
      const all = await answered
      for (let id = 1; id <= MAX_REQUESTS_IN_FLIGHT; id++) {
        expect(all.get(id)).toEqual({ ok: true, value: { jobIds: [] } })
      }
      // Once they are answered, the socket is served again.
      const next = answers(socket, 1)
      socket.send(JSON.stringify({ id: 99, channel: 'jobs:running', request: {} }))
      expect((await next).get(99)).toEqual({ ok: true, value: { jobIds: [] } })
    } finally {
      release()
      socket.close()
    }
  })
})
