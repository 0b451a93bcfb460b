import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tryLockBackfillMonths } from '../../src-main/adapters/postgres/backfill-month-lock'
import { createPool } from '../../src-main/adapters/postgres/pool'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { PostgresRunStore } from '../../src-main/adapters/postgres/postgres-run-store'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { BackfillWorkerPool } from '../../src-main/adapters/worker/backfill-worker-pool'
import { isProcessAlive } from '../../src-main/adapters/process/is-process-alive'
import { loadConfig } from '../../src-main/config/app-config'
import type { BackfillRequest } from '../../src-main/services/pipeline/backfill-service'
import { BackfillService } from '../../src-main/services/pipeline/backfill-service'
import { ensureTrainedModel } from '../../src-main/services/model/model-service'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'
import { syntheticTaxiDataDir } from '../support/taxi-data'

/**
 * Issue 9: two backfills of the same month at once; one died on a raw duplicate-key error (both
 * deleted then inserted the month's rows). Now one backfill per month holds a PostgreSQL advisory
 * lock, and the other is told which run holds the month. Real embedded PostgreSQL, real worker threads,
 * each backfill on its own pool (as two processes would be).
 */
describe('two backfills of one month at once', () => {
  let server: TestPostgres
  let url: string
  let home: string
  let dataDir: string
  const pools: DatabasePool[] = []

  const openPool = (): DatabasePool => {
    const pool = createPool(url)
    pools.push(pool)
    return pool
  }

  const service = (pool: DatabasePool): BackfillService =>
    new BackfillService({
      config: loadConfig({}, { homeDir: home, dataDir }),
      store: new PostgresRunStore(pool),
      createRunner: (workers) => new BackfillWorkerPool(workers),
      locateMonthFile: async (month) => join(dataDir, `green_tripdata_${month}.parquet`),
      hostname: hostname(),
      pid: process.pid,
      isProcessAlive,
    })

  const request = (overrides: Partial<BackfillRequest> = {}): BackfillRequest => ({
    startDate: '2022-02-01',
    days: 5,
    referenceMonth: '2022-01',
    force: true,
    paceSeconds: 0,
    workers: 1,
    retry: { retries: 0, delaySeconds: 0, exponentialBackoff: false, jitterFactor: 0 },
    dataDir,
    ...overrides,
  })

  beforeAll(async () => {
    const [started, data] = await Promise.all([startTestPostgres(), syntheticTaxiDataDir()])
    server = started
    dataDir = data
    home = await mkdtemp(join(tmpdir(), 'driftdesk-concurrent-home-'))
    const admin = new pg.Client({ connectionString: server.url })
    await admin.connect()
    const name = `concurrent_${randomUUID().slice(0, 8)}`
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const parsed = new URL(server.url)
    parsed.pathname = `/${name}`
    url = parsed.toString()
    await runMigrations(openPool())
    // Train once, so both backfills only load the saved model.
    await ensureTrainedModel(
      loadConfig({}, { homeDir: home, dataDir }),
      '2022-01',
      join(dataDir, 'green_tripdata_2022-01.parquet'),
    )
  }, 300_000)

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)))
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  it('runs one and tells the other the month is busy, never a raw constraint error (regression: duplicate key)', async () => {
    const outcomes = await Promise.allSettled([
      service(openPool()).run(request()),
      service(openPool()).run(request()),
    ])
    const completed = outcomes.filter(
      (outcome) => outcome.status === 'fulfilled' && outcome.value.run.state === 'Completed',
    )
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
    expect(completed).toHaveLength(1)
    expect(refused).toHaveLength(1)
    const reason = (refused[0] as PromiseRejectedResult).reason as { code: string; message: string }
    expect(reason.code).toBe('BUSY')
    expect(reason.message).toMatch(
      /^Another backfill of 2022-02 is running \((run ID [0-9a-f-]{36}|just starting)\): wait for it to finish or cancel it/,
    )
    expect(reason.message).not.toMatch(/duplicate key|constraint/)
    // The refused one left no run behind; the stored month is whole.
    const store = new PostgresRunStore(openPool())
    expect((await store.listRuns(10)).filter((run) => run.job === 'backfill')).toHaveLength(1)
    expect((await store.listStoredDays('2022-02-01', '2022-02-06')).length).toBe(5)
  })

  it('names the run that holds the month, and lets the month be backfilled once it ended', async () => {
    const first = service(openPool())
    const running = first.run(request({ days: 20, paceSeconds: 0.2 }))
    const store = new PostgresRunStore(openPool())
    const deadline = Date.now() + 120_000
    let holder: string | null = null
    while (holder === null && Date.now() < deadline) {
      const active = await store.listActiveRuns()
      holder = active.find((run) => run.state === 'Running')?.id ?? null
      if (holder === null) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(holder).not.toBeNull()
    await expect(service(openPool()).run(request())).rejects.toMatchObject({
      code: 'BUSY',
      message: expect.stringContaining(`(run ID ${holder})`) as unknown,
    })
    // Another month is not blocked by it.
    const other = await service(openPool()).run(
      request({ startDate: '2022-03-01', referenceMonth: '2022-01', days: 2 }),
    )
    expect(other.run.state).toBe('Completed')
    expect((await running).run.state).toBe('Completed')
    const again = await service(openPool()).run(request({ days: 2 }))
    expect(again.run.state).toBe('Completed')
  })

  it('frees a month when the session holding it dies (a crashed process never leaves it locked)', async () => {
    const holderPool = openPool()
    const held = await tryLockBackfillMonths(holderPool, ['2022-04'])
    expect('release' in held).toBe(true)
    expect(await tryLockBackfillMonths(openPool(), ['2022-04'])).toEqual({
      month: '2022-04',
      runId: null,
    })
    // Kill the holder's backend, as a SIGKILLed process's closed socket would end it.
    const killer = openPool()
    await killer.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`,
    )
    const deadline = Date.now() + 30_000
    let again = await tryLockBackfillMonths(openPool(), ['2022-04'])
    while (!('release' in again) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      again = await tryLockBackfillMonths(openPool(), ['2022-04'])
    }
    expect('release' in again).toBe(true)
    if ('release' in again) await again.release()
    if ('release' in held) await held.release() // idempotent on a dead connection
  })
})
