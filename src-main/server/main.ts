import { resolve } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { createControlPanel } from '../app/control-panel'
import type { EventSink } from '../app/event-sink'
import { loadConfig } from '../config/app-config'
import { parseWorkerCount } from '../config/worker-count'
import { PARENT_LIFELINE_ENV } from '../adapters/process/line-process'
import { watchParentLifeline } from '../adapters/process/parent-lifeline'
import { AppError } from '../shared/errors'
import type { BrowserServer } from './browser-server'
import { startBrowserServer } from './browser-server'
import { choosePanelPort, rememberPanelPort } from './remembered-port'

/**
 * Browser mode's entry (`npm start` where Electron cannot run): the same control panel as the desktop
 * app, served on 127.0.0.1 with a per-start token. Prints the URL to open on stdout, as one line starting
 * with `driftdesk panel: `, and, with `--json`, one JSON object `{url, port}` (the e2e test reads it).
 */
const HELP = `Usage: tsx src-main/server/main.ts [--port N] [--renderer-dir DIR] [--home DIR] [--data-dir DIR] [--json]
  --port N            listen on 127.0.0.1:N (default: the last start's port when free, else a free one)
  --renderer-dir DIR  the built renderer (default: out/renderer; build it with \`npx electron-vite build\`)
  --home DIR          driftdesk's state folder (default ~/.driftdesk, or DRIFTDESK_HOME)
  --data-dir DIR      read the TLC files from DIR instead of the download cache
  --workers N         compute threads per backfill (default: one per core; own data one fewer)
  --json              print {"url":…,"port":…} as one JSON line once listening
`

async function main(): Promise<number> {
  // Read once and removed, so no process the panel starts inherits it (each gets its own lifeline).
  const lifelineEnv = { [PARENT_LIFELINE_ENV]: process.env[PARENT_LIFELINE_ENV] }
  delete process.env[PARENT_LIFELINE_ENV]
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'renderer-dir': { type: 'string' },
      home: { type: 'string' },
      'data-dir': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help === true) {
    process.stdout.write(HELP)
    return 0
  }
  // Checked before anything starts, with the CLI backfill's rule: a bad count would otherwise start the
  // panel and fail every backfill later.
  const workers = values.workers === undefined ? undefined : parseWorkerCount(values.workers)
  const config = loadConfig(process.env, { homeDir: values.home, dataDir: values['data-dir'] })
  let server: BrowserServer | null = null
  const sink: EventSink = { emit: (event, payload) => server?.emit(event, payload) }
  const panel = await createControlPanel({
    config,
    env: process.env,
    sink,
    mode: 'browser',
    version: process.env.npm_package_version ?? '0.1.0',
    ...(workers === undefined ? {} : { workers }),
    log: (line) => process.stderr.write(`${line}\n`),
  })
  server = await startBrowserServer({
    handlers: panel.handlers,
    rendererDir: resolve(values['renderer-dir'] ?? 'out/renderer'),
    port: values.port === undefined ? await choosePanelPort(config.homeDir) : Number(values.port),
    frameOrigins: () => panel.frameOrigins(),
    log: (line) => process.stderr.write(`${line}\n`),
  })
  await rememberPanelPort(config.homeDir, server.port)
  process.stdout.write(
    values.json === true
      ? `${JSON.stringify({ url: server.url, port: server.port })}\n`
      : `driftdesk panel: ${server.url}\n(browser mode on 127.0.0.1 only; the token in the URL is this start's key. Ctrl+C stops it.)\n`,
  )
  const running = server
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    // Started by `npm start` (scripts/start.mjs) with a stdin lifeline: stop when the wrapper dies, even
    // by SIGKILL, so the panel and its Live view's children do not outlive it.
    watchParentLifeline(lifelineEnv, process.stdin, stop, () => process.exit(129))
  })
  process.stderr.write('Stopping driftdesk…\n')
  await running.close()
  await panel.close()
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    const isPortTaken = (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE'
    const reason = isPortTaken
      ? 'the port is already in use: pass another --port, or none to let driftdesk pick a free one'
      : error instanceof Error
        ? error.message
        : String(error)
    process.stderr.write(`driftdesk: could not start the panel: ${reason.replace(/\.$/, '')}.\n`)
    // A bad option or setting (--workers, DATABASE_URL) is a usage error, as in the CLI.
    process.exitCode = error instanceof AppError && error.code === 'INVALID_REQUEST' ? 2 : 1
  },
)
