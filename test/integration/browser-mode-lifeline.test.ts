import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { isLoopbackPortFree } from '../../src-main/adapters/network/port-availability'
import { isRunningProcess } from '../support/process-state'

/**
 * Regression: `npm start` runs scripts/start.mjs, which runs the browser-mode panel as its child; a
 * SIGKILLed wrapper left the panel (and so its Live view's children) running. The wrapper now gives the
 * panel a stdin lifeline (DRIFTDESK_PARENT_LIFELINE=stdin) and the panel stops itself when it closes.
 * The wrapper here starts the panel exactly as start.mjs's runForeground does (start.mjs itself would
 * first build the renderer, a minute of CPU on a shared machine); the test SIGKILLs it and waits for
 * every process of this panel (found by its unique --home in /proc) to be gone and its port free.
 */
const root = resolve(__dirname, '..', '..')
const home = mkdtempSync(join(tmpdir(), 'driftdesk-panel-lifeline-'))
afterAll(() => {
  for (const pid of processesMentioning(home)) process.kill(pid, 'SIGKILL')
  rmSync(home, { recursive: true, force: true })
})

/** The pids whose command line holds `text` (Linux /proc). */
function processesMentioning(text: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) &&
        isRunningProcess(Number(entry))
      )
        pids.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return pids
}

const WRAPPER = `
const { spawn } = require('node:child_process')
const [tsx, home] = process.argv.slice(1)
const child = spawn(tsx, ['src-main/server/main.ts', '--json', '--home', home], {
  stdio: ['pipe', 'inherit', 'inherit'],
  env: { ...process.env, DRIFTDESK_PARENT_LIFELINE: 'stdin' },
})
child.stdin.on('error', () => undefined)
setInterval(() => undefined, 60_000)
`

describe.skipIf(process.platform !== 'linux')('browser mode with a lifeline from npm start', () => {
  it(
    'the panel stops itself when its wrapper is SIGKILLed, freeing its port',
    { timeout: 180_000 },
    async () => {
      const wrapper = spawn(
        process.execPath,
        ['-e', WRAPPER, join(root, 'node_modules', '.bin', 'tsx'), home],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let log = ''
      wrapper.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
      const line = await new Promise<string>((resolveLine, reject) => {
        createInterface({ input: wrapper.stdout }).once('line', resolveLine)
        wrapper.once('exit', (code) => reject(new Error(`the wrapper exited with ${code}: ${log}`)))
      })
      const { port } = JSON.parse(line) as { port: number }
      expect(await isLoopbackPortFree(port)).toBe(false)
      const panelPids = processesMentioning(home).filter((pid) => pid !== wrapper.pid)
      expect(panelPids.length).toBeGreaterThan(0)

      const killed = new Promise((r) => wrapper.once('exit', r))
      wrapper.kill('SIGKILL')
      await killed

      const deadline = Date.now() + 90_000
      while (processesMentioning(home).length > 0 || !(await isLoopbackPortFree(port))) {
        if (Date.now() > deadline)
          throw new Error(`still running: ${processesMentioning(home).join(', ')}; log:\n${log}`)
        await new Promise((r) => setTimeout(r, 250))
      }
      expect(log).toContain('Stopping driftdesk')
    },
  )
})
