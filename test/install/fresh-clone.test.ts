import type { ChildProcess } from 'node:child_process'
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

/**
 * The README's first commands on a fresh clone where Electron's binary cannot be downloaded: `npm install`
 * succeeds anyway and `npm start` serves the panel in browser mode. (Issue 10: the install used to fail
 * with ENOTFOUND and npm rolled everything back.)
 *
 * The "clone" is every file git would commit (tracked and untracked, without ignored ones such as
 * node_modules/ and out/), copied to a temporary folder, so uncommitted work is tested too. Electron's
 * download is pointed at a local server that answers 503 to everything (ELECTRON_MIRROR, with an empty
 * electron_config_cache so no cached zip is used): deterministic, and the test sees that the download
 * was really attempted. Packages come from the npm registry (through npm's cache when warm).
 *
 * Run by .ci/run after `npm test` (it installs ~700 packages: 1-3 minutes); by hand:
 * `DRIFTDESK_INSTALL_TESTS=1 npx vitest run --project install`.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Output of a child process, kept for the failure messages. */
interface Finished {
  code: number | null
  output: string
}

/** Runs a command to its end without blocking this process's event loop (the mirror must answer). */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Finished> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolveRun({ code, output }))
  })
}

/** The environment of a user's shell: none of npm's own variables from the `npm test` running us. */
function userEnvironment(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (key.toLowerCase().startsWith('npm_')) continue
    if (key.startsWith('ELECTRON_') || key.startsWith('electron_')) continue
    if (key === 'DISPLAY' || key === 'WAYLAND_DISPLAY' || key.startsWith('DRIFTDESK_')) continue
    env[key] = value
  }
  return { ...env, ...overrides }
}

describe('a fresh clone where Electron cannot be downloaded', () => {
  let workspace: string
  let clone: string
  let mirror: Server
  const mirrorRequests: string[] = []
  let panel: ChildProcess | null = null
  let panelOutput = ''
  let environment: NodeJS.ProcessEnv

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'driftdesk-fresh-clone-'))
    clone = join(workspace, 'driftdesk')
    const files = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\0')
      .filter((file) => file !== '' && existsSync(join(root, file)))
    expect(files).toContain('package-lock.json')
    for (const file of files) {
      mkdirSync(dirname(join(clone, file)), { recursive: true })
      cpSync(join(root, file), join(clone, file))
    }

    mirror = createServer((request, response) => {
      mirrorRequests.push(request.url ?? '')
      response.writeHead(503, { 'content-type': 'text/plain' })
      response.end('Electron download host unreachable (a test mirror).\n')
    })
    await new Promise<void>((resolveListen) => mirror.listen(0, '127.0.0.1', resolveListen))
    const mirrorPort = (mirror.address() as AddressInfo).port
    const electronCache = join(workspace, 'electron-cache')
    mkdirSync(electronCache)
    environment = userEnvironment({
      ELECTRON_MIRROR: `http://127.0.0.1:${mirrorPort}/`,
      electron_config_cache: electronCache,
      DRIFTDESK_HOME: join(workspace, 'home'),
    })
  })

  afterAll(async () => {
    if (panel !== null && panel.exitCode === null && panel.pid !== undefined) {
      const exited = new Promise((resolveExit) => panel!.once('exit', resolveExit))
      // npm → start.mjs → tsx → node: the whole process group gets the Ctrl+C a user would send.
      process.kill(-panel.pid, 'SIGINT')
      await exited
    }
    await new Promise((resolveClose) => mirror?.close(resolveClose))
    if (workspace !== undefined) rmSync(workspace, { recursive: true, force: true })
  })

  it('`npm install` succeeds, without engine warnings, after the Electron download failed', async () => {
    const install = await run('npm', ['install', '--no-audit', '--no-fund'], clone, environment)
    expect(install.code, install.output).toBe(0)
    // The download was attempted against the unreachable mirror, and it failed.
    expect(mirrorRequests.some((url) => /electron-v[\d.]+-linux-x64\.zip$/.test(url))).toBe(true)
    expect(install.output).toContain("Electron's binary could not be downloaded")
    expect(existsSync(join(clone, 'node_modules', 'electron', 'path.txt'))).toBe(false)
    // The engines in package.json and the lockfile agree (issue 10: nopt and abbrev wanted Node 22).
    expect(install.output).not.toContain('EBADENGINE')
    expect(existsSync(join(clone, 'node_modules', '.bin', 'electron-vite'))).toBe(true)
  })

  it('`npm start` builds the panel and serves it in browser mode', async () => {
    panel = spawn('npm', ['start'], {
      cwd: clone,
      env: environment,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    panel.stderr!.on('data', (chunk: Buffer) => (panelOutput += chunk.toString()))
    const url = await new Promise<string>((resolveUrl, reject) => {
      panel!.stdout!.on('data', (chunk: Buffer) => {
        panelOutput += chunk.toString()
        const match = /driftdesk panel: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(panelOutput)
        if (match !== null) resolveUrl(match[1]!)
      })
      panel!.once('exit', (code) =>
        reject(new Error(`npm start exited with ${code} before serving: ${panelOutput}`)),
      )
    })
    expect(panelOutput).toContain('No Electron binary here')

    const page = await fetch(url)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<title>driftdesk</title>')
    expect(html).toContain('<div id="app">')
    const script = /<script[^>]+src="\.\/([^"]+\.js)"/.exec(html)?.[1]
    expect(script, html).toBeDefined()
    const bundle = await fetch(new URL(script!, url))
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toMatch(/javascript/)
    expect((await bundle.text()).length).toBeGreaterThan(100_000)

    // The panel's page talks to the server over a WebSocket with the printed token: one round trip.
    const origin = new URL(url).origin
    const token = new URL(url).searchParams.get('token')
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${token}`, { origin })
    const reply = await new Promise<{ id: number; result: { ok: boolean } }>(
      (resolveReply, reject) => {
        socket.once('open', () =>
          socket.send(JSON.stringify({ id: 1, channel: 'config:get', request: {} })),
        )
        socket.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { type: string }
          if (message.type === 'result') resolveReply(message as never)
        })
        socket.once('error', reject)
        socket.once('close', (code) => reject(new Error(`the panel closed the socket (${code})`)))
      },
    )
    socket.close()
    expect(reply).toMatchObject({ id: 1, result: { ok: true } })
  })
})
