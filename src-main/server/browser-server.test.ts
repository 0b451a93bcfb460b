import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { InvokeHandlers } from '../app/dispatch-request'
import type { BrowserServer } from './browser-server'
import { startBrowserServer } from './browser-server'
import { TOKEN_REJECTED_CLOSE_CODE } from '../shared/browser-mode-protocol'

const TOKEN = 'test-token-0123456789abcdef'

interface HttpAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      )
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

/** Opens a WebSocket and resolves once it is open, or rejects with the handshake's HTTP status. */
function connect(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { origin })
    socket.once('open', () => resolve(socket))
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    )
    socket.once('error', reject)
  })
}

function nextMessage(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) =>
    socket.once('message', (data) => resolve(JSON.parse(String(data)))),
  )
}

describe('the browser-mode server', () => {
  let rendererDir: string
  let server: BrowserServer
  const logged: string[] = []
  const handlers = {
    'runs:list': async () => [],
  } as unknown as InvokeHandlers

  beforeAll(async () => {
    rendererDir = mkdtempSync(join(tmpdir(), 'driftdesk-renderer-'))
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>driftdesk</title>')
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(tmpdir(), 'driftdesk-secret.txt'), 'secret')
    server = await startBrowserServer({
      handlers,
      rendererDir,
      token: TOKEN,
      frameOrigins: () => ['http://127.0.0.1:3000'],
      log: (line) => logged.push(line),
    })
  })

  afterAll(async () => {
    await server.close()
    rmSync(rendererDir, { recursive: true, force: true })
  })

  it('listens on 127.0.0.1 and prints a URL that carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`)
  })

  it('serves the page and its assets without the token and sets no cookie (regression: the token cookie reached every 127.0.0.1 port)', async () => {
    const page = await get(server.port, '/')
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>driftdesk</title>')
    expect(page.headers['set-cookie']).toBeUndefined()
    const withToken = await get(server.port, `/?token=${TOKEN}`)
    expect(withToken.headers['set-cookie']).toBeUndefined()
    const policy = String(withToken.headers['content-security-policy'])
    expect(policy).toContain('frame-src http://127.0.0.1:3000;')
    expect(policy).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`)
    const asset = await get(server.port, '/assets/app.js')
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
  })

  it('never serves a file outside the renderer folder', async () => {
    expect((await get(server.port, '/../driftdesk-secret.txt')).status).toBe(404)
    expect((await get(server.port, '/%2e%2e/driftdesk-secret.txt')).status).toBe(404)
  })

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const answer = await get(server.port, `/?token=${TOKEN}`, {
      host: `evil.example:${server.port}`,
    })
    expect(answer.status).toBe(421)
  })

  it('accepts the same panel opened as localhost', async () => {
    const answer = await get(server.port, `/?token=${TOKEN}`, { host: `localhost:${server.port}` })
    expect(answer.status).toBe(200)
    expect(String(answer.headers['content-security-policy'])).toContain(
      `ws://localhost:${server.port}`,
    )
    const socket = await connect(
      `ws://localhost:${server.port}/ws?token=${TOKEN}`,
      `http://localhost:${server.port}`,
    )
    socket.close()
  })

  it('refuses a WebSocket from another origin', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`
    await expect(connect(`${base}?token=${TOKEN}`, 'http://127.0.0.1:9999')).rejects.toThrow(
      'HTTP 401',
    )
    await expect(connect(base, 'http://127.0.0.1:9999')).rejects.toThrow('HTTP 401')
  })

  it('closes a socket of its own page with a missing or wrong token with the token-rejected code, and never answers it', async () => {
    for (const query of ['', `?token=${'x'.repeat(TOKEN.length)}`]) {
      const socket = await connect(`ws://127.0.0.1:${server.port}/ws${query}`, server.origin)
      const messages: unknown[] = []
      socket.on('message', (data) => messages.push(data))
      socket.send(JSON.stringify({ id: 1, channel: 'runs:list', request: {} }))
      const code = await new Promise<number>((resolve) => socket.once('close', resolve))
      expect(code).toBe(TOKEN_REJECTED_CLOSE_CODE)
      expect(messages).toEqual([])
    }
  })

  it('survives a message over the size limit (regression: no error listener crashed the process) and never logs the token', async () => {
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, server.origin)
    const closed = new Promise<number>((resolve) => socket.once('close', resolve))
    socket.on('error', () => {})
    socket.send('x'.repeat(1024 * 1024 + 10))
    expect(await closed).toBe(1009)
    const again = await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, server.origin)
    const answer = nextMessage(again)
    again.send(JSON.stringify({ id: 1, channel: 'runs:list', request: {} }))
    expect(await answer).toMatchObject({ type: 'result', id: 1 })
    again.close()
    expect(logged.some((line) => line.includes('/ws'))).toBe(true)
    expect(logged.join('\n')).not.toContain(TOKEN)
  })

  it('answers contract requests over the WebSocket and pushes events to it', async () => {
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, server.origin)
    try {
      socket.send(JSON.stringify({ id: 7, channel: 'runs:list', request: {} }))
      expect(await nextMessage(socket)).toEqual({
        type: 'result',
        id: 7,
        result: { ok: true, value: [] },
      })

      socket.send(JSON.stringify({ id: 8, channel: 'runs:show', request: { runId: 'no way!' } }))
      const refused = (await nextMessage(socket)) as {
        result: { ok: boolean; error: { code: string } }
      }
      expect(refused.result.ok).toBe(false)
      expect(refused.result.error.code).toBe('INVALID_REQUEST')

      const pushed = nextMessage(socket)
      server.emit('pipeline:finished', { jobId: 'j', outcome: 'cancelled' })
      expect(await pushed).toEqual({
        type: 'event',
        event: 'pipeline:finished',
        payload: { jobId: 'j', outcome: 'cancelled' },
      })
    } finally {
      socket.close()
    }
  })
})
