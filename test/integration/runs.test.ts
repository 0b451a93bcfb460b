import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveDayMetrics } from '../../src-main/adapters/postgres/metrics-repository'
import { createPool, withTransaction } from '../../src-main/adapters/postgres/pool'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { PostgresRunStore } from '../../src-main/adapters/postgres/postgres-run-store'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { BackfillWorkerPool } from '../../src-main/adapters/worker/backfill-worker-pool'
import { startModuleWorker } from '../../src-main/adapters/worker/worker-host'
import { isProcessAlive } from '../../src-main/cli/database-session'
import { loadConfig } from '../../src-main/config/app-config'
import type { BackfillComputeRunner } from '../../src-main/services/pipeline/backfill-compute-runner'
import { WorkerCrashedError } from '../../src-main/services/pipeline/backfill-compute-runner'
import type { BackfillRequest } from '../../src-main/services/pipeline/backfill-service'
import { BackfillService } from '../../src-main/services/pipeline/backfill-service'
import type { DayProvenance, TaskStateUpdate } from '../../src-main/services/pipeline/run-store'
import type { DayMetrics } from '../../src-main/shared/domain/metrics'
import type { RunProgressEvent } from '../../src-main/shared/domain/runs'
import { RunEvents } from '../../src-main/services/pipeline/run-events'
import { AppError } from '../../src-main/shared/errors'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'
import { jsonLines, runCli, startCli } from '../support/run-cli'
import { taxiDataDir } from '../support/taxi-data'

/** Issue 4's acceptance: retries, kill and resume, a dropped connection, cancel, crash detection. */
describe('runs', () => {
  let server: TestPostgres
  let admin: pg.Client
  let home: string
  let dataDir: string

  async function createDatabase(): Promise<string> {
    const name = `runs_${randomUUID().slice(0, 8)}`
    await admin.query(`CREATE DATABASE ${name}`)
    const url = new URL(server.url)
    url.pathname = `/${name}`
    return url.toString()
  }

  async function waitFor<T>(
    probe: () => Promise<T | null>,
    what: string,
    timeoutMs = 120_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const value = await probe()
      if (value !== null) return value
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`Timed out waiting for ${what}.`)
  }

  async function query<R extends pg.QueryResultRow>(
    url: string,
    text: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return (await client.query<R>(text, values)).rows
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    const [started, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    server = started
    dataDir = data.dir
    home = await mkdtemp(join(tmpdir(), 'driftdesk-runs-home-'))
    admin = new pg.Client({ connectionString: server.url })
    await admin.connect()
    // Train once so every scenario below starts from the saved model.
    const trained = await runCli([
      'train',
      '--reference-month',
      '2022-01',
      '--data-dir',
      dataDir,
      '--home',
      home,
      '--database-url',
      server.url,
    ])
    expect(trained.code).toBe(0)
  }, 300_000)

  afterAll(async () => {
    await admin?.end()
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  describe('in process (BackfillService on the real store and worker pool)', () => {
    let pool: DatabasePool
    let url: string
    beforeAll(async () => {
      url = await createDatabase()
      pool = createPool(url)
      await runMigrations(pool)
    })
    afterAll(async () => {
      await pool?.end()
    })

    function request(overrides: Partial<BackfillRequest> = {}): BackfillRequest {
      return {
        startDate: '2022-02-01',
        days: 4,
        referenceMonth: '2022-01',
        force: true,
        paceSeconds: 0,
        workers: 1,
        retry: { retries: 2, delaySeconds: 0.05, exponentialBackoff: true, jitterFactor: 0 },
        ...overrides,
      }
    }

    function service(
      store: PostgresRunStore,
      wrap: (runner: BackfillComputeRunner) => BackfillComputeRunner = (r) => r,
    ): BackfillService {
      const config = loadConfig({}, { homeDir: home, dataDir })
      return new BackfillService({
        config,
        store,
        createRunner: (workers) => wrap(new BackfillWorkerPool(workers)),
        locateMonthFile: async (month) => join(dataDir, `green_tripdata_${month}.parquet`),
        hostname: hostname(),
        pid: process.pid,
        isProcessAlive,
      })
    }

    /** A runner whose `failing` day fails `times` times with `error` before the real computation. */
    function failingRunner(failing: number, times: number, error: () => Error) {
      return (runner: BackfillComputeRunner): BackfillComputeRunner => {
        let failures = 0
        return {
          size: runner.size,
          load: (input) => runner.load(input),
          computeDay: (index) => {
            if (index === failing && failures < times) {
              failures++
              return Promise.reject(error())
            }
            return runner.computeDay(index)
          },
          cancelQueued: (reason) => runner.cancelQueued(reason),
          close: () => runner.close(),
        }
      }
    }

    it('retries a task that fails twice with a retryable error: Completed, 3 attempts recorded', async () => {
      const store = new PostgresRunStore(pool)
      const events = new RunEvents(0)
      const seen: RunProgressEvent[] = []
      events.subscribe((event) => seen.push(event))
      const outcome = await service(
        store,
        failingRunner(1, 2, () => new WorkerCrashedError('worker died')),
      ).run(request(), { events })
      expect(outcome.run.state).toBe('Completed')
      const tasks = await store.listTasks(outcome.run.id)
      expect(tasks.map((t) => [t.taskKey, t.state, t.attempts])).toEqual([
        ['day:2022-02-01', 'Completed', 1],
        ['day:2022-02-02', 'Completed', 3],
        ['day:2022-02-03', 'Completed', 1],
        ['day:2022-02-04', 'Completed', 1],
      ])
      const logs = await store.listLogs(outcome.run.id)
      expect(logs.filter((l) => l.message.includes('retrying'))).toHaveLength(2)
      const retried = tasks.find((t) => t.taskKey === 'day:2022-02-02')
      expect(logs.filter((l) => l.taskRunId === retried?.id).map((l) => l.level)).toEqual([
        'warning',
        'warning',
      ])
      expect(seen.filter((e) => e.type === 'task-state' && e.state === 'Retrying')).toHaveLength(2)
      expect(
        seen
          .filter((e) => e.type === 'day-result')
          .map((e) => (e as { metrics: DayMetrics }).metrics.date),
      ).toEqual(['2022-02-01', '2022-02-02', '2022-02-03', '2022-02-04'])
      expect(seen.at(-1)).toMatchObject({ type: 'run-finished', state: 'Completed' })
    })

    it('replaces a compute worker that dies mid-day and retries that day', async () => {
      const store = new PostgresRunStore(pool)
      const threads: Worker[] = []
      let killed = false
      const config = loadConfig({}, { homeDir: home, dataDir })
      const crashing = new BackfillService({
        config,
        store,
        createRunner: (workers) => {
          const real = new BackfillWorkerPool(workers, (index) => {
            const thread = startModuleWorker(
              new URL('../../src-main/worker/backfill.worker.ts', import.meta.url),
              `test-${index}`,
            )
            threads.push(thread)
            return thread
          })
          return {
            size: real.size,
            load: (input) => real.load(input),
            computeDay: (index) => {
              const day = real.computeDay(index)
              if (index === 2 && !killed) {
                killed = true
                void threads[0]?.terminate() // the thread dies while the day is in its hands
              }
              return day
            },
            cancelQueued: (reason) => real.cancelQueued(reason),
            close: () => real.close(),
          }
        },
        locateMonthFile: async (month) => join(dataDir, `green_tripdata_${month}.parquet`),
        hostname: hostname(),
        pid: process.pid,
        isProcessAlive,
      })
      const outcome = await crashing.run(request())
      expect(outcome.run.state).toBe('Completed')
      expect(threads.length).toBeGreaterThan(1) // a replacement was started
      const tasks = await store.listTasks(outcome.run.id)
      expect(tasks.every((t) => t.state === 'Completed')).toBe(true)
      expect(tasks.some((t) => t.attempts === 2)).toBe(true)
      expect(
        (await store.listLogs(outcome.run.id)).some((l) =>
          l.message.includes('Compute worker 0 stopped'),
        ),
      ).toBe(true)
    })

    it('gives up after the retries are spent: Failed, earlier days kept', async () => {
      const store = new PostgresRunStore(pool)
      const outcome = await service(
        store,
        failingRunner(2, 3, () => new WorkerCrashedError('worker died')),
      ).run(
        request({
          retry: { retries: 1, delaySeconds: 0.01, exponentialBackoff: false, jitterFactor: 0 },
        }),
      )
      expect(outcome.run.state).toBe('Failed')
      expect(outcome.run.stateMessage).toMatch(/day:2022-02-03 failed after 2 attempt\(s\)/)
      const tasks = await store.listTasks(outcome.run.id)
      expect(tasks.find((t) => t.taskKey === 'day:2022-02-03')).toMatchObject({
        state: 'Failed',
        attempts: 2,
      })
      expect(outcome.days.map((d) => d.date)).toEqual(['2022-02-01', '2022-02-02'])
    })

    it('does not retry an error that would fail again (bad input)', async () => {
      const store = new PostgresRunStore(pool)
      const outcome = await service(
        store,
        failingRunner(
          0,
          5,
          () => new AppError('PIPELINE_INPUT_INVALID', "Column 'fare_amount' is missing."),
        ),
      ).run(request())
      expect(outcome.run.state).toBe('Failed')
      expect(outcome.run.stateMessage).toMatch(/1 attempt\(s\) \(not retryable\)/)
      expect((await store.listTasks(outcome.run.id))[0]).toMatchObject({
        state: 'Failed',
        attempts: 1,
      })
    })

    it('retries a day whose database connection is terminated mid-transaction, and completes', async () => {
      let terminated = 0
      class TerminatingStore extends PostgresRunStore {
        override async saveDayResult(
          day: DayMetrics,
          provenance: DayProvenance,
          task: TaskStateUpdate,
        ): Promise<void> {
          if (day.date === '2022-02-03' && terminated === 0) {
            await withTransaction(pool, async (client) => {
              const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
              const result = await admin.query('SELECT pg_terminate_backend($1) AS ok', [
                rows[0]?.pid,
              ])
              terminated += result.rows[0]?.ok === true ? 1 : 0
              await saveDayMetrics(client, day, provenance)
            })
          }
          return super.saveDayResult(day, provenance, task)
        }
      }
      const store = new TerminatingStore(pool)
      const outcome = await service(store).run(request())
      expect(terminated).toBe(1)
      expect(outcome.run.state).toBe('Completed')
      const tasks = await store.listTasks(outcome.run.id)
      expect(tasks.find((t) => t.taskKey === 'day:2022-02-03')).toMatchObject({
        state: 'Completed',
        attempts: 2,
      })
      const stored = await pool.query(
        `SELECT count(*)::int AS n FROM daily_metrics WHERE "timestamp" = '2022-02-03'`,
      )
      expect(stored.rows[0]?.n).toBe(1)
    })
  })

  describe('as child processes', () => {
    it('a SIGKILLed backfill is found Crashed, and resuming it stores every day exactly once, as an uninterrupted run does', async () => {
      const killedUrl = await createDatabase()
      const cleanUrl = await createDatabase()
      const args = [
        '--month',
        '2022-02',
        '--days',
        '12',
        '--json',
        '--workers',
        '1',
        '--data-dir',
        dataDir,
        '--home',
        home,
      ]
      const child = startCli(['backfill', ...args, '--pace', '0.3', '--database-url', killedUrl])
      await waitFor(async () => {
        const rows = await query<{ n: number }>(
          killedUrl,
          'SELECT count(*)::int AS n FROM daily_metrics',
        ).catch(() => [{ n: 0 }])
        return (rows[0]?.n ?? 0) >= 4 ? true : null
      }, 'four stored days')
      child.child.kill('SIGKILL')
      const killed = await child.done
      expect(killed.signal).toBe('SIGKILL')
      const [before] = await query<{ id: string; state: string }>(
        killedUrl,
        'SELECT id, state FROM runs',
      )
      expect(before?.state).toBe('Running')
      const storedBefore =
        (await query<{ n: number }>(killedUrl, 'SELECT count(*)::int AS n FROM daily_metrics'))[0]
          ?.n ?? 0
      expect(storedBefore).toBeGreaterThanOrEqual(4)
      expect(storedBefore).toBeLessThan(12)

      const list = await runCli([
        'runs',
        'list',
        '--json',
        '--home',
        home,
        '--database-url',
        killedUrl,
      ])
      expect(list.stderr).toContain('marked Crashed')
      const [crashed] = jsonLines(list.stdout)
      expect(crashed).toMatchObject({ id: before?.id, state: 'Crashed' })
      expect(String(crashed?.stateMessage)).toMatch(/pid \d+/)

      const resumed = await runCli([
        'backfill',
        '--resume',
        (before?.id as string).slice(0, 8),
        '--json',
        '--home',
        home,
        '--database-url',
        killedUrl,
      ])
      expect(resumed.code).toBe(0)
      const clean = await runCli(['backfill', ...args, '--database-url', cleanUrl])
      expect(clean.code).toBe(0)
      expect(jsonLines(resumed.stdout)).toEqual(jsonLines(clean.stdout))

      const counts = await query<{ days: number; distinct_days: number; drift: number }>(
        killedUrl,
        `SELECT count(*)::int AS days, count(DISTINCT "timestamp")::int AS distinct_days,
                (SELECT count(*)::int FROM column_drift) AS drift FROM daily_metrics`,
      )
      expect(counts[0]).toEqual({ days: 12, distinct_days: 12, drift: 12 * 7 })
      const tasks = await query<{ task_key: string; state: string }>(
        killedUrl,
        'SELECT task_key, state FROM task_runs WHERE run_id = $1 ORDER BY task_key',
        [before?.id],
      )
      expect(tasks).toHaveLength(12)
      expect(new Set(tasks.map((t) => t.state))).toEqual(new Set(['Completed']))
      const [after] = await query<{ state: string }>(
        killedUrl,
        'SELECT state FROM runs WHERE id = $1',
        [before?.id],
      )
      expect(after?.state).toBe('Completed')
      const metricsKilled = await runCli([
        'metrics',
        '--month',
        '2022-02',
        '--json',
        '--home',
        home,
        '--database-url',
        killedUrl,
      ])
      const metricsClean = await runCli([
        'metrics',
        '--month',
        '2022-02',
        '--json',
        '--home',
        home,
        '--database-url',
        cleanUrl,
      ])
      expect(jsonLines(metricsKilled.stdout)).toEqual(jsonLines(metricsClean.stdout))
    }, 300_000)

    it("runs show --follow streams a live run's log until it ends", async () => {
      const url = await createDatabase()
      const child = startCli([
        'backfill',
        '--month',
        '2022-02',
        '--days',
        '3',
        '--workers',
        '1',
        '--pace',
        '0.5',
        '--data-dir',
        dataDir,
        '--home',
        home,
        '--database-url',
        url,
      ])
      const runId = await waitFor(async () => {
        const rows = await query<{ id: string }>(
          url,
          `SELECT id FROM runs WHERE state = 'Running'`,
        ).catch(() => [])
        return rows[0]?.id ?? null
      }, 'a running backfill')
      const follow = await runCli([
        'runs',
        'show',
        runId,
        '--follow',
        '--home',
        home,
        '--database-url',
        url,
      ])
      expect((await child.done).code).toBe(0)
      expect(follow.code).toBe(0)
      expect(follow.stdout).toContain('0 reused, 3 computed (3 day(s) stored).')
      expect(follow.stdout.trim().split('\n').at(-1)).toBe(`Run ${runId} Completed.`)
    }, 300_000)

    it('runs cancel stops a paced backfill after the day in flight: Cancelled, exit 130, stored days kept', async () => {
      const url = await createDatabase()
      const child = startCli([
        'backfill',
        '--month',
        '2022-02',
        '--days',
        '20',
        '--json',
        '--workers',
        '1',
        '--pace',
        '0.4',
        '--data-dir',
        dataDir,
        '--home',
        home,
        '--database-url',
        url,
      ])
      const runId = await waitFor(async () => {
        const rows = await query<{ id: string; n: number }>(
          url,
          `SELECT (SELECT id FROM runs LIMIT 1) AS id, (SELECT count(*)::int FROM daily_metrics) AS n`,
        ).catch(() => [])
        return rows[0] !== undefined && rows[0].n >= 2 ? rows[0].id : null
      }, 'two stored days')
      const cancel = await runCli(['runs', 'cancel', runId, '--home', home, '--database-url', url])
      expect(cancel.code).toBe(0)
      expect(cancel.stderr).toContain('cancel requested')
      const result = await child.done
      expect(result.code).toBe(130)
      const [run] = await query<{ state: string }>(url, 'SELECT state FROM runs WHERE id = $1', [
        runId,
      ])
      expect(run?.state).toBe('Cancelled')
      const stored =
        (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM daily_metrics'))[0]?.n ?? 0
      expect(stored).toBeGreaterThanOrEqual(2)
      expect(stored).toBeLessThan(20)
      expect(jsonLines(result.stdout)).toHaveLength(stored)
      const show = await runCli([
        'runs',
        'show',
        runId,
        '--json',
        '--home',
        home,
        '--database-url',
        url,
      ])
      const details = JSON.parse(show.stdout) as {
        tasks: { state: string }[]
        logs: { message: string }[]
      }
      expect(details.tasks.filter((t) => t.state === 'Completed')).toHaveLength(stored)
      expect(details.logs.some((l) => l.message.includes('Cancel requested'))).toBe(true)
    }, 300_000)
  })
})

describe('backfill worker pool', () => {
  it('rejects a request still in flight when closed, instead of leaving it pending for ever', async () => {
    // A real thread that never answers: the load request stays in flight.
    const pool = new BackfillWorkerPool(
      1,
      () => new Worker('setInterval(() => undefined, 1000)', { eval: true }),
    )
    const loading = pool.load({
      config: loadConfig({}, { homeDir: '/tmp/driftdesk-unused-home' }),
      referenceMonth: '2022-01',
      referenceFile: '/nonexistent/a.parquet',
      monthFile: '/nonexistent/b.parquet',
      startDate: '2022-02-01',
      days: 1,
      retrain: false,
    })
    const settled = loading.then(
      () => 'resolved',
      (error: unknown) => (error instanceof AppError ? error.code : String(error)),
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    await pool.close()
    expect(await settled).toBe('CANCELLED')
  })
})
