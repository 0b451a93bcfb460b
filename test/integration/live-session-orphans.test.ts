import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLoopbackPortFree } from '../../src-main/adapters/network/port-availability'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { loadConfig } from '../../src-main/config/app-config'
import { ensureTrainedModel } from '../../src-main/services/model/model-service'
import { isRunningProcess } from '../support/process-state'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { taxiDataDir } from '../support/taxi-data'

/**
 * Regression: a panel that is SIGKILLed (or crashes) runs no stop, and its Live view's children —
 * the real `serve`, `collect --follow` and `replay` — kept running: the service's port held, the
 * collector's run Running. Each child now holds a stdin pipe from its parent (the lifeline) and stops
 * itself, gracefully, when the pipe closes. The parent here is a real process running a LiveSession
 * (test/support/live-session-parent.ts); the test SIGKILLs it and waits for the children to go.
 */
const REPO = resolve(__dirname, '../..')

async function waitFor(what: string, condition: () => Promise<boolean> | boolean): Promise<void> {
  // Generous: three tsx processes stopping on a loaded 2-core machine; no timing is asserted.
  const deadline = Date.now() + 90_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('a SIGKILLed panel leaves no live children', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let home: string
  let dataDir: string
  const started: number[] = []

  beforeAll(async () => {
    const [server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    postgres = server
    dataDir = data.dir
    pool = createPool(postgres.url)
    home = await mkdtemp(join(tmpdir(), 'driftdesk-live-orphans-'))
    await ensureTrainedModel(
      loadConfig({}, { homeDir: home }),
      '2022-01',
      join(data.dir, 'green_tripdata_2022-01.parquet'),
    )
  }, 300_000)

  afterAll(async () => {
    // Whatever the outcome, no process of this test outlives it.
    for (const pid of started) if (isRunningProcess(pid)) process.kill(pid, 'SIGKILL')
    await pool?.end()
    await postgres?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  it(
    'serve, collect and replay exit when their parent is SIGKILLed; the port is freed, the collector run closed',
    { timeout: 420_000 },
    async () => {
      const env: Record<string, string | undefined> = {
        ...process.env,
        DATABASE_URL: postgres.url,
        DRIFTDESK_HOME: home,
        DRIFTDESK_DATA_DIR: dataDir,
      }
      delete env.APP_HOME_DIR
      const parent = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/support/live-session-parent.ts'],
        {
          cwd: REPO,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      started.push(parent.pid as number)
      let stdout = ''
      let stderr = ''
      parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const ready = await new Promise<{ pids: number[]; serviceUrl: string }>(
        (resolveReady, reject) => {
          parent.stdout.on('data', (chunk: Buffer) => {
            stdout += chunk.toString()
            const line = stdout.split('\n').find((l) => l.startsWith('{'))
            if (line !== undefined)
              resolveReady(JSON.parse(line) as { pids: number[]; serviceUrl: string })
          })
          parent.once('exit', (code) =>
            reject(new Error(`the parent exited (${code}) before the session ran:\n${stderr}`)),
          )
        },
      )
      started.push(...ready.pids)
      const port = Number(new URL(ready.serviceUrl).port)
      expect(ready.pids).toHaveLength(3)
      for (const pid of ready.pids) expect(isRunningProcess(pid), `pid ${pid} before`).toBe(true)
      expect(await isLoopbackPortFree(port)).toBe(false)
      const health = await fetch(`${ready.serviceUrl}/health`)
      expect(health.status).toBe(200)
      // The collector has started its run.
      await waitFor('the collector run', async () => {
        const runs = await pool.query("SELECT 1 FROM runs WHERE state = 'Running'")
        return (runs.rowCount ?? 0) > 0
      })

      const exited = new Promise((r) => parent.once('exit', r))
      parent.kill('SIGKILL')
      await exited

      for (const pid of ready.pids)
        await waitFor(`pid ${pid} to exit`, () => !isRunningProcess(pid))
      await waitFor(`port ${port} to be free`, () => isLoopbackPortFree(port))
      // The collector stopped gracefully: its run is closed (not left Running for the next start to crash).
      const running = await pool.query("SELECT id, job, state FROM runs WHERE state = 'Running'")
      expect(running.rows).toEqual([])
    },
  )
})
