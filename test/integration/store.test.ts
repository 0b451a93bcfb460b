import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  resolveClusterDir,
  startEmbeddedPostgres,
} from '../../src-main/adapters/postgres/embedded-postgres-server'
import { isRunningProcess as isProcessRunning } from '../support/process-state'
import { isProcessAlive } from '../../src-main/adapters/process/is-process-alive'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresRunStore } from '../../src-main/adapters/postgres/postgres-run-store'
import { markCrashedRuns } from '../../src-main/services/pipeline/mark-crashed-runs'
import { startRunLiveness } from '../../src-main/services/pipeline/run-liveness'
import {
  DatabaseUnreachableError,
  isRetryableDatabaseError,
} from '../../src-main/adapters/postgres/database-errors'
import { listDayMetrics, saveDayMetrics } from '../../src-main/adapters/postgres/metrics-repository'
import { createPool, withTransaction } from '../../src-main/adapters/postgres/pool'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { loadMigrations, runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { openDatabase } from '../../src-main/adapters/postgres/open-database'
import { loadConfig } from '../../src-main/config/app-config'
import type { DayMetrics } from '../../src-main/shared/domain/metrics'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'

function sampleDay(date: string, drift: number): DayMetrics {
  return {
    date,
    rows: 100,
    predictionDrift: drift,
    numDriftedColumns: 2,
    shareOfDriftedColumns: 2 / 7,
    datasetDrift: false,
    shareMissingValues: 0.08,
    missingByColumn: { ehail_fee: 100, trip_type: 3 },
    mae: 5.5,
    rmse: 7.25,
    columns: [
      {
        column: 'prediction',
        columnType: 'num',
        stattest: 'wasserstein',
        stattestName: 'Wasserstein distance (normed)',
        threshold: 0.1,
        driftScore: drift,
        driftDetected: drift > 0.1,
      },
      {
        column: 'PULocationID',
        columnType: 'cat',
        stattest: 'jensenshannon',
        stattestName: 'Jensen-Shannon distance',
        threshold: 0.1,
        driftScore: 0.05,
        driftDetected: false,
      },
    ],
  }
}

describe('PostgreSQL store', () => {
  let server: TestPostgres
  let pool: DatabasePool

  beforeAll(async () => {
    server = await startTestPostgres()
    pool = createPool(server.url)
    await runMigrations(pool)
  })
  afterAll(async () => {
    await pool.end()
    await server.stop()
  })

  it('applies each migration once even when two processes migrate at the same time', async () => {
    const other = createPool(server.url)
    const [a, b] = await Promise.all([runMigrations(pool), runMigrations(other)])
    await other.end()
    expect([...a, ...b]).toEqual([])
    const versions = await pool.query('SELECT version FROM schema_migrations ORDER BY version')
    // Every shipped migration, once (other branches add migrations: not a fixed list).
    const shipped = (await loadMigrations()).map((migration) => migration.version)
    expect(versions.rows.map((r) => r.version)).toEqual(shipped)
  })

  it('stores a day and reads it back field for field', async () => {
    const day = sampleDay('2022-02-01', 0.1885)
    await saveDayMetrics(pool, day, {
      referenceMonth: '2022-01',
      runId: null,
      inputsFingerprint: 'abc',
    })
    const [stored] = await listDayMetrics(pool, '2022-02-01', '2022-02-02')
    expect(stored?.metrics).toEqual(day)
    expect(stored?.inputsFingerprint).toBe('abc')
    expect(stored?.referenceMonth).toBe('2022-01')
  })

  it('stores whether the prediction drifted by its stattest, also for a p-value stattest', async () => {
    // Regression: only the score was stored, and for K-S a big score (p-value) means no drift.
    const day: DayMetrics = {
      ...sampleDay('2022-03-01', 0.9),
      predictionDriftDetected: false,
    }
    await saveDayMetrics(pool, day, { referenceMonth: null, runId: null, inputsFingerprint: null })
    const [stored] = await listDayMetrics(pool, '2022-03-01', '2022-03-02')
    expect(stored?.metrics.predictionDriftDetected).toBe(false)
    const { rows } = await pool.query<{ detected: boolean | null }>(
      `SELECT prediction_drift_detected AS detected FROM daily_metrics WHERE "timestamp" = '2022-03-01'`,
    )
    expect(rows).toEqual([{ detected: false }])
  })

  it('replaces a day on re-save instead of duplicating its rows', async () => {
    await saveDayMetrics(pool, sampleDay('2022-02-02', 0.2), {
      referenceMonth: '2022-01',
      runId: null,
      inputsFingerprint: 'x',
    })
    await saveDayMetrics(pool, sampleDay('2022-02-02', 0.3), {
      referenceMonth: '2022-01',
      runId: null,
      inputsFingerprint: 'y',
    })
    const counts = await pool.query(
      `SELECT (SELECT count(*) FROM daily_metrics WHERE "timestamp" = '2022-02-02') AS d,
              (SELECT count(*) FROM column_drift WHERE "timestamp" = '2022-02-02') AS c,
              (SELECT count(*) FROM column_missing WHERE "timestamp" = '2022-02-02') AS m`,
    )
    expect(counts.rows[0]).toEqual({ d: '1', c: '2', m: '2' })
    const [stored] = await listDayMetrics(pool, '2022-02-02', '2022-02-03')
    expect(stored?.metrics.predictionDrift).toBe(0.3)
  })

  it('keeps nothing of a day whose transaction fails halfway', async () => {
    await expect(
      withTransaction(pool, async (client) => {
        await saveDayMetrics(client, sampleDay('2022-02-03', 0.4), {
          referenceMonth: null,
          runId: null,
          inputsFingerprint: null,
        })
        throw new Error('crash after the metrics were written')
      }),
    ).rejects.toThrow('crash after')
    expect(await listDayMetrics(pool, '2022-02-03', '2022-02-04')).toEqual([])
  })

  it('treats a terminated backend as retryable and bad SQL as not', async () => {
    const client = await pool.connect()
    const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number
    client.on('error', () => undefined)
    await pool.query('SELECT pg_terminate_backend($1)', [pid])
    const lost = await client.query('SELECT 1').catch((error: unknown) => error)
    client.release(true)
    expect(isRetryableDatabaseError(lost)).toBe(true)
    const bad = await pool.query('SELECT * FROM no_such_table').catch((error: unknown) => error)
    expect(isRetryableDatabaseError(bad)).toBe(false)
  })

  it('marks runs of dead processes Crashed: a dead pid on this host, a stale heartbeat anywhere, our own pid left by an earlier process', async () => {
    const store = new PostgresRunStore(pool)
    const ids = {
      deadPid: randomUUID(),
      livePid: randomUUID(),
      staleHost: randomUUID(),
      freshHost: randomUUID(),
      ownPidLeftover: randomUUID(),
      ownPidLive: randomUUID(),
      reusedPid: randomUUID(),
    }
    const base = { job: 'backfill' as const, parameters: {}, state: 'Running' as const }
    await store.createRun({ ...base, id: ids.deadPid, pid: 2 ** 22 + 12345, hostname: 'this-host' })
    await store.createRun({ ...base, id: ids.livePid, pid: process.ppid, hostname: 'this-host' })
    // A run with our own pid that this process is not running: an earlier process had our pid.
    await store.createRun({
      ...base,
      id: ids.ownPidLeftover,
      pid: process.pid,
      hostname: 'this-host',
    })
    await store.createRun({ ...base, id: ids.ownPidLive, pid: process.pid, hostname: 'this-host' })
    const releaseOwn = startRunLiveness(store, ids.ownPidLive, 60_000)
    // A live pid but a heartbeat minutes old: the pid now belongs to an unrelated process.
    await store.createRun({ ...base, id: ids.reusedPid, pid: process.ppid, hostname: 'this-host' })
    await store.createRun({ ...base, id: ids.staleHost, pid: 1, hostname: 'other-host' })
    await store.createRun({ ...base, id: ids.freshHost, pid: 1, hostname: 'other-host' })
    await pool.query(
      `UPDATE runs SET heartbeat_at = now() - interval '5 minutes' WHERE id = ANY($1::uuid[])`,
      [[ids.staleHost, ids.reusedPid]],
    )
    await store.saveTask({
      id: randomUUID(),
      runId: ids.deadPid,
      taskKey: 'day:2022-02-01',
      state: 'Running',
      attempts: 1,
    })
    const crashed = await markCrashedRuns(store, {
      hostname: 'this-host',
      isProcessAlive: (pid) => pid === process.pid || pid === process.ppid,
    })
    releaseOwn()
    expect(crashed.map((run) => run.id).sort()).toEqual(
      [ids.deadPid, ids.staleHost, ids.ownPidLeftover, ids.reusedPid].sort(),
    )
    expect(await store.getRun(ids.ownPidLive)).toMatchObject({ state: 'Running' })
    expect((await store.getRun(ids.reusedPid))?.stateMessage).toMatch(/No heartbeat/)
    expect(await store.getRun(ids.deadPid)).toMatchObject({ state: 'Crashed' })
    expect((await store.getRun(ids.deadPid))?.stateMessage).toMatch(/pid \d+/)
    expect((await store.getRun(ids.staleHost))?.stateMessage).toMatch(
      /No heartbeat from other-host/,
    )
    expect(await store.getRun(ids.livePid)).toMatchObject({ state: 'Running' })
    expect(await store.getRun(ids.freshHost)).toMatchObject({ state: 'Running' })
    expect((await store.listTasks(ids.deadPid))[0]).toMatchObject({ state: 'Crashed' })
  })

  it('lets exactly one of two concurrent resumes claim a run, and none claim a running one', async () => {
    const store = new PostgresRunStore(pool)
    const otherPool = createPool(server.url)
    const other = new PostgresRunStore(otherPool)
    const id = randomUUID()
    await store.createRun({
      id,
      job: 'backfill',
      parameters: {},
      state: 'Running',
      pid: 1,
      hostname: 'h',
    })
    const resumable = ['Failed', 'Crashed', 'Cancelled', 'Completed'] as const
    expect(await store.claimRun(id, 10, 'a', resumable)).toBe(false)
    await store.setRunState(id, 'Crashed', 'gone')
    const claims = await Promise.all([
      store.claimRun(id, 10, 'a', resumable, 'Resumed from Crashed.'),
      other.claimRun(id, 20, 'b', resumable, 'Resumed from Crashed.'),
    ])
    expect(claims.filter(Boolean)).toHaveLength(1)
    const run = await store.getRun(id)
    expect(run).toMatchObject({ state: 'Pending', stateMessage: 'Resumed from Crashed.' })
    expect(run?.pid).toBe(claims[0] ? 10 : 20)
    await otherPool.end()
  })

  it('reports an unreachable server in one sentence naming host and port', async () => {
    const config = loadConfig(
      {},
      {
        homeDir: '/tmp/driftdesk-unused-home',
        databaseUrl: 'postgres://u:secret@127.0.0.1:1/none',
      },
    )
    const failure = openDatabase(config)
    await expect(failure).rejects.toBeInstanceOf(DatabaseUnreachableError)
    await expect(failure).rejects.toThrow(
      /Cannot connect to PostgreSQL at 127\.0\.0\.1:1 .*Nothing was changed\./,
    )
  })
})

describe('embedded PostgreSQL shared by two processes', () => {
  let folder: string
  let dataDir: string
  let secretsDir: string
  const children: ChildProcess[] = []

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'driftdesk-test-shared-pg-'))
    dataDir = join(folder, 'pg')
    secretsDir = join(folder, 'secrets')
  })
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL')
    const pid = await postmasterPid()
    if (pid !== null && isProcessAlive(pid)) process.kill(pid, 'SIGINT')
    for (let i = 0; i < 100 && pid !== null && isProcessAlive(pid); i++) await sleep(50)
    await rm(folder, { recursive: true, force: true })
  })

  async function postmasterPid(): Promise<number | null> {
    const clusterDir = await resolveClusterDir(dataDir)
    const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null)
    return text === null ? null : Number(text.split('\n')[0])
  }

  async function exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return
    await new Promise((resolve) => child.once('exit', resolve))
  }

  function holdInChild(): { child: ChildProcess; line: (expected: string) => Promise<string> } {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/hold-embedded-postgres.ts', dataDir, secretsDir],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    )
    children.push(child)
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const line = async (expected: string): Promise<string> => {
      for (let i = 0; i < 1200; i++) {
        const found = output.split('\n').find((text) => text.startsWith(expected))
        if (found !== undefined) return found
        if (child.exitCode !== null) break
        await sleep(50)
      }
      throw new Error(`the child never printed "${expected}" (got: ${output})`)
    }
    return { child, line }
  }

  it('keeps the server up for another process when the one that started it exits, and stops it with the last one', async () => {
    const first = holdInChild()
    expect(await first.line('ready')).toBe('ready started')
    const second = await startEmbeddedPostgres({ dataDir, secretsDir })
    expect(second.reused).toBe(true)
    const pool = createPool(second.url)
    await pool.query('SELECT 1')

    first.child.stdin?.write('close\n')
    await first.line('released')
    await exited(first.child)
    // The starter has gone; the server it started still serves this process.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1)
    const pid = await postmasterPid()
    expect(pid !== null && isProcessAlive(pid)).toBe(true)

    await pool.end()
    await second.stop()
    // This was the last user: the server is stopped.
    expect(pid !== null && isProcessRunning(pid)).toBe(false)
  }, 120_000)

  it('counts a process whose pool is idle as a user, and lets the adopter stop the server last', async () => {
    const first = await startEmbeddedPostgres({ dataDir, secretsDir })
    expect(first.reused).toBe(false)
    const adopter = holdInChild()
    expect(await adopter.line('ready')).toBe('ready reused')
    const pid = await postmasterPid()

    // The adopter's pool may be idle; its lease still marks it as a user.
    await first.stop()
    expect(pid !== null && isProcessAlive(pid)).toBe(true)

    adopter.child.stdin?.write('close\n')
    await adopter.line('released')
    // Deterministic, no grace period (issue 10): this process let go of its lease before the adopter
    // stopped (renamed "released" in pg_stat_activity, however long its backend takes to leave), so the
    // adopter was the last user and its stop() returned only once the server had exited. A zombie (this
    // process is the server's parent) is not a running server.
    expect(pid !== null && isProcessRunning(pid)).toBe(false)
    await exited(adopter.child)
  }, 120_000)

  it('stops the server when the last of several back-to-back users goes, and never under a live one', async () => {
    // Issue 9: pool.end() resolves while the pool's backends are still listed in pg_stat_activity; the
    // old stop logic counted them as other users and left servers running (2 of 10 back-to-back runs).
    for (let round = 0; round < 5; round++) {
      const handle = await startEmbeddedPostgres({ dataDir, secretsDir })
      const pool = createPool(handle.url, { max: 4 })
      await Promise.all([1, 2, 3, 4].map(() => pool.query('SELECT pg_sleep(0.01)')))
      const pid = await postmasterPid()
      await pool.end()
      await handle.stop()
      expect(pid !== null && isProcessRunning(pid), `round ${round}`).toBe(false)
    }
    const holder = holdInChild()
    await holder.line('ready')
    const pid = await postmasterPid()
    const borrower = await startEmbeddedPostgres({ dataDir, secretsDir })
    expect(borrower.reused).toBe(true)
    await borrower.stop()
    expect(pid !== null && isProcessRunning(pid)).toBe(true)
    holder.child.stdin?.write('close\n')
    await holder.line('released')
    expect(pid !== null && isProcessRunning(pid)).toBe(false)
    await exited(holder.child)
  }, 120_000)
})
