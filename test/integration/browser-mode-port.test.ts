import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:net'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * Browser mode's entry, started and stopped as `npm start` does: a restart keeps its port while that port
 * is free (issue 10: every start picked a new random port), and picks another when it is taken.
 */
const root = resolve(__dirname, '..', '..')
const home = mkdtempSync(join(tmpdir(), 'driftdesk-browser-port-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

/** Starts the panel on the test's home, returns its port once listening, then stops it (SIGTERM). */
async function startAndStop(): Promise<number> {
  const panel: ChildProcessWithoutNullStreams = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['src-main/server/main.ts', '--json', '--home', home],
    { cwd: root },
  )
  let log = ''
  panel.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const exited = new Promise<number | null>((resolveExit) => panel.once('exit', resolveExit))
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: panel.stdout }).once('line', resolveLine)
    void exited.then((code) => reject(new Error(`the panel exited with ${code}: ${log}`)))
  })
  panel.kill('SIGTERM')
  expect(await exited, log).toBe(0)
  return (JSON.parse(line) as { port: number }).port
}

describe('browser mode port between starts', () => {
  it('keeps the last port while it is free, and moves when it is taken', async () => {
    const first = await startAndStop()
    expect(first).toBeGreaterThan(0)
    expect(await startAndStop()).toBe(first)

    const squatter: Server = createServer()
    await new Promise<void>((resolveListen) => squatter.listen(first, '127.0.0.1', resolveListen))
    try {
      const moved = await startAndStop()
      expect(moved).not.toBe(first)
      expect(moved).toBeGreaterThan(0)
    } finally {
      await new Promise((resolveClose) => squatter.close(resolveClose))
    }
  })
})
