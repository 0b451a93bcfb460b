import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmbeddedPostgresHandle } from '../../src-main/adapters/postgres/embedded-postgres-server'
import { startEmbeddedPostgres } from '../../src-main/adapters/postgres/embedded-postgres-server'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { readLoggedPredictions } from '../../src-main/adapters/postgres/prediction-log-repository'
import { loadConfig } from '../../src-main/config/app-config'
import { ensureTrainedModel } from '../../src-main/services/model/model-service'
import type { RunningCli } from '../support/run-cli'
import { startCli } from '../support/run-cli'
import { taxiDataDir } from '../support/taxi-data'

/** Polls until `check` resolves a value (generous: a loaded machine starts tsx slowly). */
async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  ms = 120_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function answeredIds(path: string): string[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
}

async function healthStatus(base: string): Promise<number | undefined> {
  try {
    return (await fetch(`${base}/health`)).status
  } catch {
    return undefined
  }
}

describe('replay against serve under faults (real child processes, signals, a real PostgreSQL stopped and restarted)', () => {
  let folder: string
  let server: EmbeddedPostgresHandle
  let pool: DatabasePool
  let home: string
  let dataDir: string

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'driftdesk-live-faults-'))
    const data = await taxiDataDir()
    dataDir = data.dir
    server = await startEmbeddedPostgres({
      dataDir: join(folder, 'pg'),
      secretsDir: join(folder, 'secrets'),
    })
    pool = createPool(server.url, { onIdleError: () => undefined })
    home = join(folder, 'home')
    await ensureTrainedModel(
      loadConfig({}, { homeDir: home }),
      '2022-01',
      join(dataDir, 'green_tripdata_2022-01.parquet'),
    )
  })

  afterAll(async () => {
    await pool?.end()
    await server?.stop({ force: true })
    if (folder !== undefined) await rm(folder, { recursive: true, force: true })
  })

  async function startServe(): Promise<{ cli: RunningCli; base: string }> {
    const cli = startCli([
      'serve',
      '--home',
      home,
      '--database-url',
      server.url,
      '--port',
      '0',
      '--health-window',
      '1s',
    ])
    const base = await waitFor(
      () => /Listening on (http:\/\/\S+)/.exec(cli.stdout())?.[1],
      'serve to listen',
    )
    return { cli, base }
  }

  function startReplay(base: string, answeredFile: string): RunningCli {
    return startCli([
      'replay',
      '--month',
      '2022-03',
      '--speed',
      'max',
      '--url',
      base,
      '--concurrency',
      '8',
      // Batches (answered ids per trip, a 503 retried per batch), but small ones: at --speed max's
      // default 100 the month is sent in about 10 s, which leaves a loaded machine too little time to
      // stop and restart PostgreSQL while the replay still runs.
      '--batch',
      '10',
      '--answered-file',
      answeredFile,
      '--data-dir',
      dataDir,
      '--home',
      home,
      '--json',
    ])
  }

  it('SIGKILL of the service mid-replay: every prediction replay saw answered is in the log; replay exits 1 with a summary', async () => {
    const { cli: serve, base } = await startServe()
    const answeredFile = join(folder, 'answered-kill.txt')
    const replay = startReplay(base, answeredFile)
    await waitFor(
      () => (answeredIds(answeredFile).length >= 300 ? true : undefined),
      'replay to get 300 answers',
    )
    serve.child.kill('SIGKILL')
    expect((await serve.done).signal).toBe('SIGKILL')
    const result = await replay.done
    expect(result.code, result.stderr).toBe(1)
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as {
      predictionsAnswered: number
      failed: number
      stoppedBecause: string | null
    }
    expect(summary.failed).toBeGreaterThan(0)
    expect(summary.stoppedBecause).toMatch(/stopped answering/)
    expect(result.stderr).toMatch(/requests failed/)
    const answered = answeredIds(answeredFile)
    expect(answered.length).toBe(summary.predictionsAnswered)
    expect(answered.length).toBeGreaterThanOrEqual(300)
    const logged = await readLoggedPredictions(pool, answered)
    expect(new Set(logged.map((row) => row.requestId))).toEqual(new Set(answered))
    for (const row of logged) expect(row.project).toBe('nyc-taxi')
  })

  it('PostgreSQL stopped and restarted mid-replay: degraded health and 503s while away, recovery by itself, no answered row lost', async () => {
    const { cli: serve, base } = await startServe()
    const answeredFile = join(folder, 'answered-restart.txt')
    const replay = startReplay(base, answeredFile)
    try {
      await waitFor(
        () => (answeredIds(answeredFile).length >= 200 ? true : undefined),
        'replay to get 200 answers',
      )
      // Stop the real server (fast shutdown: clients are disconnected) and start it again on its port.
      const pidText = await readFile(join(server.clusterDir, 'postmaster.pid'), 'utf8')
      const pid = Number(pidText.split('\n')[0])
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])
      const gid = Number(/^Gid:\s+(\d+)/m.exec(status)?.[1])
      process.kill(pid, 'SIGINT')
      await waitFor(() => (existsSync(`/proc/${pid}`) ? undefined : true), 'PostgreSQL to stop')

      expect(
        await waitFor(
          async () => ((await healthStatus(base)) === 503 ? 503 : undefined),
          'degraded health',
        ),
      ).toBe(503)
      const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>
      expect(health).toMatchObject({ status: 'degraded', database: 'unreachable' })
      const refused = await fetch(`${base}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          PULocationID: 1,
          DOLocationID: 2,
          passenger_count: 1,
          trip_distance: 1,
          fare_amount: 5,
          total_amount: 6,
        }),
      })
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as { message: string }).message).toMatch(
        /nothing was logged .* retry it once the database is back/,
      )
      const answeredWhileAway = answeredIds(answeredFile).length

      const [program, ...args] = commandLine as [string, ...string[]]
      const restarted = spawn(program, args, {
        uid,
        gid,
        detached: true,
        stdio: 'ignore',
      })
      restarted.unref()
      await waitFor(
        async () => ((await healthStatus(base)) === 200 ? true : undefined),
        'health ok again',
      )
      // The replay moves on by itself (its refused requests were retried).
      await waitFor(
        () => (answeredIds(answeredFile).length >= answeredWhileAway + 200 ? true : undefined),
        'replay to get answers again',
      )
    } finally {
      replay.child.kill('SIGINT')
    }
    const result = await replay.done
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as {
      predictionsAnswered: number
      failed: number
      retries: number
      stoppedBecause: string | null
    }
    expect(summary.stoppedBecause).toBe('cancelled')
    expect(summary.failed, result.stderr).toBe(0)
    expect(summary.retries).toBeGreaterThan(0)
    const answered = answeredIds(answeredFile)
    expect(answered.length).toBe(summary.predictionsAnswered)
    const logged = await readLoggedPredictions(pool, answered)
    expect(new Set(logged.map((row) => row.requestId))).toEqual(new Set(answered))
    // The service wrote its health windows, those of the outage included once PostgreSQL was back.
    serve.child.kill('SIGTERM')
    expect((await serve.done).code).toBe(0)
    const windows = await pool.query<{ errors: number }>(
      'SELECT errors FROM service_health WHERE project = $1',
      ['nyc-taxi'],
    )
    expect(windows.rows.some((row) => row.errors > 0)).toBe(true)
  })
})
