import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { insertDummyMetric } from '../../src-main/adapters/postgres/dummy-metrics-repository'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { PostgresRunStore } from '../../src-main/adapters/postgres/postgres-run-store'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { makeDummyRow, runDummyJob } from '../../src-main/services/pipeline/dummy-metrics-job'
import { RunEvents } from '../../src-main/services/pipeline/run-events'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'
import { runCli } from '../support/run-cli'

describe('dummy command (course section 5.5)', () => {
  let server: TestPostgres
  let home: string
  beforeAll(async () => {
    server = await startTestPostgres()
    home = await mkdtemp(join(tmpdir(), 'driftdesk-dummy-home-'))
  })
  afterAll(async () => {
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  it('makes rows with value1 in [0, 1000], a uuid value2 and value3 in [0, 1)', () => {
    let state = 0
    const sequence = [0, 0.9999, 0.5, 0.25]
    const row = makeDummyRow(
      () => sequence[state++ % sequence.length] as number,
      new Date(2026, 0, 2, 3, 4, 5, 6),
    )
    expect(row.timestamp).toBe('2026-01-02 03:04:05.006')
    expect(row.value1).toBe(0)
    expect(row.value3).toBe(0.9999)
    expect(row.value2).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(makeDummyRow(() => 0.99999, new Date()).value1).toBe(1000)
  })

  it('inserts --count rows every --interval seconds into dummy_metrics and records a Completed run', async () => {
    const started = Date.now()
    const result = await runCli([
      'dummy',
      '--interval',
      '0.3',
      '--count',
      '3',
      '--database-url',
      server.url,
      '--home',
      home,
    ])
    expect(result.code).toBe(0)
    const client = new pg.Client({ connectionString: server.url })
    await client.connect()
    try {
      const rows = (
        await client.query(
          'SELECT "timestamp", value1, value2, value3 FROM dummy_metrics ORDER BY "timestamp"',
        )
      ).rows
      expect(rows).toHaveLength(3)
      for (const row of rows) {
        expect(row.value1).toBeGreaterThanOrEqual(0)
        expect(row.value1).toBeLessThanOrEqual(1000)
        expect(row.value3).toBeGreaterThanOrEqual(0)
        expect(row.value3).toBeLessThan(1)
      }
      // Consecutive rows are at least the interval apart (pacing), and all made during this test.
      const times = rows.map((r) => (r.timestamp as Date).getTime())
      expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(550)
      expect(times[0]!).toBeGreaterThanOrEqual(started - 1000)
      const runs = (await client.query(`SELECT state, job FROM runs WHERE job = 'dummy'`)).rows
      expect(runs).toEqual([{ state: 'Completed', job: 'dummy' }])
      const logs = (await client.query('SELECT count(*)::int AS n FROM run_logs')).rows[0].n
      expect(logs).toBe(3)
    } finally {
      await client.end()
    }
  })

  it('beats on its own timer during a long interval, and never turns a run marked Crashed into Completed', async () => {
    const pool = createPool(server.url)
    try {
      await runMigrations(pool)
      const store = new PostgresRunStore(pool)
      const events = new RunEvents()
      let runId = ''
      events.subscribe((event) => {
        if (event.type === 'run-started') runId = event.runId
      })
      const job = runDummyJob(
        {
          store,
          insertRow: (row) => insertDummyMetric(pool, row),
          hostname: 'this-host',
          pid: process.pid,
          heartbeatMs: 100,
        },
        { intervalSeconds: 2, count: 2, events },
      )
      const heartbeatAt = async (): Promise<number> =>
        (
          await pool.query<{ at: Date }>('SELECT heartbeat_at AS at FROM runs WHERE id = $1', [
            runId,
          ])
        ).rows[0]!.at.getTime()
      while (runId === '') await sleep(20)
      await sleep(400)
      const early = await heartbeatAt()
      await sleep(600)
      // Both readings fall inside the 2-second wait between the two inserts.
      expect(await heartbeatAt()).toBeGreaterThan(early)
      // Another process decides the run is dead meanwhile.
      await store.setRunState(runId, 'Crashed', 'Marked by another process.')
      const run = await job
      expect(run.state).toBe('Crashed')
      expect(run.stateMessage).toBe('Marked by another process.')
    } finally {
      await pool.end()
    }
  }, 30_000)
})
