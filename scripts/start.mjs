#!/usr/bin/env node
// `npm start`: opens the driftdesk control panel.
// - Where an Electron binary is installed and a display is available: the desktop app (`electron-vite
//   preview` builds it and opens the window).
// - Otherwise (a server, a container, a machine where Electron's download was skipped): builds the renderer
//   when it is missing or older than its sources, then starts browser mode and prints the URL to open.
// `npm start -- --browser` forces browser mode; other arguments go to browser mode (`--port`, `--data-dir`…).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const binDir = join(root, 'node_modules', '.bin')
const args = process.argv.slice(2)
const forceBrowser = args.includes('--browser') || process.env.DRIFTDESK_PANEL_MODE === 'browser'
const browserArgs = args.filter((arg) => arg !== '--browser')

/** The Electron binary's path when the package's postinstall downloaded it, else null. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    // `electron` throws "failed to install correctly" when its binary was never downloaded.
    return null
  }
}

function hasDisplay() {
  if (process.platform !== 'linux') return true
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

function newestModification(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs,
    )
  }
  return newest
}

function isRendererStale() {
  const built = join(root, 'out', 'renderer', 'index.html')
  if (!existsSync(built)) return true
  const sources = Math.max(
    newestModification(join(root, 'src-renderer')),
    newestModification(join(root, 'src-main', 'shared')),
  )
  return sources > statSync(built).mtimeMs
}

/**
 * Runs a child in the foreground, forwarding Ctrl+C, and exits with its code. With `lifeline`, the child's
 * stdin is a pipe this process never writes to (DRIFTDESK_PARENT_LIFELINE=stdin): if this wrapper is
 * killed, even by SIGKILL, the pipe closes and the browser-mode panel stops itself
 * (src-main/adapters/process/parent-lifeline.ts).
 */
function runForeground(command, commandArgs, { lifeline = false } = {}) {
  const child = spawn(command, commandArgs, {
    cwd: root,
    stdio: [lifeline ? 'pipe' : 'inherit', 'inherit', 'inherit'],
    env: lifeline ? { ...process.env, DRIFTDESK_PARENT_LIFELINE: 'stdin' } : process.env,
  })
  child.stdin?.on('error', () => undefined)
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 130)))
}

const electron = forceBrowser ? null : electronBinary()
if (electron !== null && hasDisplay()) {
  process.stderr.write('Opening the driftdesk desktop app…\n')
  runForeground(join(binDir, 'electron-vite'), ['preview'])
} else {
  if (!forceBrowser) {
    process.stderr.write(
      electron === null
        ? 'No Electron binary here (its download was skipped or failed): starting browser mode instead.\n'
        : 'No display here: starting browser mode instead of the desktop window.\n',
    )
  }
  if (isRendererStale()) {
    process.stderr.write('Building the panel (about a minute the first time)…\n')
    const build = spawnSync(join(binDir, 'electron-vite'), ['build'], {
      cwd: root,
      stdio: 'inherit',
    })
    if (build.status !== 0) process.exit(build.status ?? 1)
  }
  runForeground(join(binDir, 'tsx'), ['src-main/server/main.ts', ...browserArgs], {
    lifeline: true,
  })
}
