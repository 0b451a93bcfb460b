import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listDayMetrics } from '../../src-main/adapters/postgres/metrics-repository'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { PostgresRunStore } from '../../src-main/adapters/postgres/postgres-run-store'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { ProjectBackfillWorkerPool } from '../../src-main/adapters/worker/project-backfill-worker-pool'
import { startModuleWorker } from '../../src-main/adapters/worker/worker-host'
import type {
  ProjectBackfillOutcome,
  ProjectBackfillRequest,
} from '../../src-main/services/pipeline/project-backfill-service'
import { ProjectBackfillService } from '../../src-main/services/pipeline/project-backfill-service'
import type { ProjectWindowComputer } from '../../src-main/services/pipeline/project-window-computer'
import { RunEvents } from '../../src-main/services/pipeline/run-events'
import type { RunProgressEvent } from '../../src-main/shared/domain/runs'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { runCli } from '../support/run-cli'

/**
 * The project backfill's parallel path (issue 11's scale goal): windows read and cut on the main thread,
 * computed on real worker threads (`ProjectBackfillWorkerPool`), stored in window order. Each test compares
 * every stored window with the serial path's (the same service computing in its own thread) at 1e-12
 * relative, so a window lost, stored twice, stored out of order or computed on the wrong rows fails it.
 */
const DAYS = 30
const ROWS_PER_DAY = 120
const REGIONS = ['north', 'south', 'east', 'west', 'centre']
const WORKER_MODULE = new URL('../../src-main/worker/project-backfill.worker.ts', import.meta.url)

let server: TestPostgres
let pool: DatabasePool
let dir: string
let serial: ProjectBackfillOutcome

/** A seeded PRNG (mulberry32), so the data is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Rows of a log whose distributions move day by day (so each window's numbers differ). */
function rows(count: number, seed: number, start: number | null): string[] {
  const random = rng(seed)
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const day = start === null ? 0 : Math.floor(i / ROWS_PER_DAY)
    const shift = day / DAYS
    const x = random() * 10 + shift * 5
    const region = REGIONS[Math.floor(random() * (REGIONS.length - (day % 3)))] as string
    const items = Math.floor(random() * 6)
    const target = x * 2 + random()
    const missing = random() < 0.03
    const ts =
      start === null
        ? ''
        : `${new Date(start + day * 86_400_000 + (i % ROWS_PER_DAY) * 600_000).toISOString().slice(0, 19).replace('T', ' ')},`
    out.push(
      `${ts}${missing ? '' : x.toFixed(4)},${items},${region},plan-${items % 3},${target.toFixed(4)},${(x * 2.1).toFixed(4)}`,
    )
  }
  return out
}

function request(
  project: string,
  overrides: Partial<ProjectBackfillRequest> = {},
): ProjectBackfillRequest {
  return {
    project,
    origin: 'ad hoc',
    reference: [join(dir, 'reference.csv')],
    current: [join(dir, 'current')],
    mapping: { target: 'target', prediction: 'prediction' },
    windowColumn: 'ts',
    window: '1d',
    metrics: [{ column: 'x', metric: 'quantile', quantile: 0.5 }],
    force: true,
    retry: { retries: 2, delaySeconds: 0.01, exponentialBackoff: false, jitterFactor: 0 },
    ...overrides,
  }
}

function service(
  computer?: () => ProjectWindowComputer,
  maxWindowsInFlight?: number,
): ProjectBackfillService {
  return new ProjectBackfillService({
    store: new PostgresRunStore(pool),
    hostname: 'test',
    pid: process.pid,
    ...(computer === undefined ? {} : { createComputer: computer }),
    ...(maxWindowsInFlight === undefined ? {} : { maxWindowsInFlight }),
  })
}

/** Every number of `actual` within 1e-12 relative of `expected`; everything else equal. */
function expectSameNumbers(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(Math.abs(expected), Number.MIN_VALUE)
    const same = Object.is(actual, expected) || Math.abs(actual - expected) / scale <= 1e-12
    expect(same, `${where}: ${actual} vs ${expected}`).toBe(true)
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), where).toBe(true)
    expect((actual as unknown[]).length, `${where}.length`).toBe(expected.length)
    expected.forEach((e, i) => expectSameNumbers((actual as unknown[])[i], e, `${where}[${i}]`))
  } else if (typeof expected === 'object' && expected !== null) {
    expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected).sort())
    for (const [k, e] of Object.entries(expected))
      expectSameNumbers((actual as Record<string, unknown>)[k], e, `${where}.${k}`)
  } else expect(actual, where).toEqual(expected)
}

/** The windows of `outcome` and of the store under `project` equal the serial run's, in order. */
async function expectSameAsSerial(project: string, outcome: ProjectBackfillOutcome): Promise<void> {
  const dates = serial.windows.map((w) => w.metrics.date)
  expect(outcome.windows.map((w) => w.metrics.date)).toEqual(dates)
  const storedSerial = await listDayMetrics(pool, '2024-01-01', '2024-03-01', 'serial')
  const stored = await listDayMetrics(pool, '2024-01-01', '2024-03-01', project)
  expect(stored.map((d) => d.metrics.date)).toEqual(dates)
  stored.forEach((day, i) =>
    expectSameNumbers(day.metrics, storedSerial[i]?.metrics, `stored ${day.metrics.date}`),
  )
  outcome.windows.forEach((w, i) => {
    const expected = serial.windows[i]
    if (w.skipped) return // a reused window is compared through the store above
    expectSameNumbers(w.metrics, expected?.metrics, `computed ${w.metrics.date}`)
    expectSameNumbers(w.columnMetrics, expected?.columnMetrics, `extra ${w.metrics.date}`)
  })
}

/** The day-result events' dates, in the order the windows were stored. */
function storedOrder(seen: readonly RunProgressEvent[]): string[] {
  return seen.flatMap((e) => (e.type === 'day-result' ? [e.metrics.date] : []))
}

/**
 * The real pool, its answers delayed so they come back out of window order (every third window waits):
 * a service that stored windows as they were answered would store them out of order.
 */
function shuffledPool(
  size: number,
  startWorker?: (index: number) => Worker,
): ProjectWindowComputer {
  const real = new ProjectBackfillWorkerPool(size, startWorker)
  let n = 0
  return {
    size: real.size,
    load: (input) => real.load(input),
    compute: async (key, frame) => {
      const delay = n++ % 3 === 0 ? 40 : 0
      const answer = await real.compute(key, frame)
      await new Promise((resolve) => setTimeout(resolve, delay))
      return answer
    },
    close: () => real.close(),
  }
}

beforeAll(async () => {
  server = await startTestPostgres()
  pool = createPool(server.url)
  await runMigrations(pool)
  dir = await mkdtemp(join(tmpdir(), 'driftdesk-parallel-backfill-'))
  const header = 'ts,x,items,region,plan,target,prediction'
  await writeFile(
    join(dir, 'reference.csv'),
    `${header.slice(3)}\n${rows(1500, 1, null).join('\n')}\n`,
  )
  // Four files split mid-day, so some windows span two files (two batches).
  const current = rows(DAYS * ROWS_PER_DAY, 2, Date.UTC(2024, 0, 1))
  await mkdir(join(dir, 'current'))
  const part = Math.ceil(current.length / 4) + 7
  for (let i = 0; i < 4; i++)
    await writeFile(
      join(dir, 'current', `part-${i}.csv`),
      `${header}\n${current.slice(i * part, (i + 1) * part).join('\n')}\n`,
    )
  serial = await service().run(request('serial'))
  expect(serial.run.state).toBe('Completed')
  expect(serial.windows).toHaveLength(DAYS)
}, 180_000)

afterAll(async () => {
  await pool?.end()
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('project backfill on worker threads', () => {
  it('stores every window once, in window order, with the numbers the serial path computes', async () => {
    const events = new RunEvents(0)
    const seen: RunProgressEvent[] = []
    events.subscribe((event) => seen.push(event))
    const outcome = await service(() => shuffledPool(2), 5).run(request('parallel'), { events })
    expect(outcome.run.state).toBe('Completed')
    expect(storedOrder(seen)).toEqual(serial.windows.map((w) => w.metrics.date))
    await expectSameAsSerial('parallel', outcome)
    const tasks = await new PostgresRunStore(pool).listTasks(outcome.run.id)
    expect(tasks.map((t) => t.taskKey).sort()).toEqual(
      serial.windows.map((w) => `window:${w.metrics.date}`).sort(),
    )
    expect(tasks.every((t) => t.state === 'Completed' && t.attempts === 1)).toBe(true)
  }, 120_000)

  it('computes a crashed worker’s window again on a fresh thread and completes the run', async () => {
    const threads: Worker[] = []
    let computes = 0
    // A real worker thread, terminated while it computes the 7th window.
    const startWorker = (index: number): Worker => {
      const worker = startModuleWorker(WORKER_MODULE, `test-project-backfill-${index}`)
      threads.push(worker)
      const post = worker.postMessage.bind(worker)
      worker.postMessage = ((message: { type: string }, transfer?: never) => {
        post(message, transfer)
        if (message.type === 'compute' && ++computes === 7) void worker.terminate()
      }) as Worker['postMessage']
      return worker
    }
    const store = new PostgresRunStore(pool)
    const outcome = await service(() => new ProjectBackfillWorkerPool(2, startWorker)).run(
      request('crash-once'),
    )
    expect(outcome.run.state).toBe('Completed')
    // Two threads, and a third started in place of the one terminated.
    expect(threads.length).toBe(3)
    const logs = await store.listLogs(outcome.run.id)
    expect(logs.some((l) => l.message.includes('Computing the window again'))).toBe(true)
    await expectSameAsSerial('crash-once', outcome)
  }, 120_000)

  it('fails clearly when the workers keep crashing, keeps the stored windows, and resume finishes', async () => {
    let computes = 0
    // After 8 windows every compute kills its (real) thread: replacements die too, then the pool gives up.
    const startWorker = (index: number): Worker => {
      const worker = startModuleWorker(WORKER_MODULE, `test-project-backfill-${index}`)
      const post = worker.postMessage.bind(worker)
      worker.postMessage = ((message: { type: string }, transfer?: never) => {
        post(message, transfer)
        if (message.type === 'compute' && ++computes > 8) void worker.terminate()
      }) as Worker['postMessage']
      return worker
    }
    const failed = await service(() => new ProjectBackfillWorkerPool(2, startWorker), 4).run(
      request('crash-always'),
    )
    expect(failed.run.state).toBe('Failed')
    expect(failed.run.stateMessage).toMatch(/could not be computed|compute worker/i)
    const kept = await listDayMetrics(pool, '2024-01-01', '2024-03-01', 'crash-always')
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(DAYS)
    // The stored windows are the first ones, each equal to the serial run's.
    expect(kept.map((d) => d.metrics.date)).toEqual(
      serial.windows.slice(0, kept.length).map((w) => w.metrics.date),
    )
    const resumed = await service(() => new ProjectBackfillWorkerPool(2)).run(null, {
      resumeRunId: failed.run.id,
    })
    expect(resumed.run.state).toBe('Completed')
    expect(resumed.windows.filter((w) => w.skipped)).toHaveLength(kept.length)
    await expectSameAsSerial('crash-always', resumed)
  }, 180_000)

  it('cancels between windows: the stored windows are the first ones, and resume finishes', async () => {
    const controller = new AbortController()
    const events = new RunEvents(0)
    const seen: RunProgressEvent[] = []
    events.subscribe((event) => {
      seen.push(event)
      if (event.type === 'day-result' && storedOrder(seen).length === 6) controller.abort()
    })
    const cancelled = await service(() => shuffledPool(2), 4).run(request('cancelled'), {
      events,
      signal: controller.signal,
    })
    expect(cancelled.run.state).toBe('Cancelled')
    const kept = await listDayMetrics(pool, '2024-01-01', '2024-03-01', 'cancelled')
    expect(kept.length).toBeGreaterThanOrEqual(6)
    expect(kept.length).toBeLessThan(DAYS)
    expect(kept.map((d) => d.metrics.date)).toEqual(
      serial.windows.slice(0, kept.length).map((w) => w.metrics.date),
    )
    expect(storedOrder(seen)).toEqual(kept.map((d) => d.metrics.date))
    const resumed = await service(() => new ProjectBackfillWorkerPool(2)).run(null, {
      resumeRunId: cancelled.run.id,
    })
    expect(resumed.run.state).toBe('Completed')
    await expectSameAsSerial('cancelled', resumed)
  }, 180_000)

  it('backfill --workers N takes the compute threads for own data; a bad N is a usage error before the database', async () => {
    const result = await runCli([
      'backfill',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current'),
      '--datetime',
      'ts',
      '--workers',
      '0',
      '--home',
      dir,
      // Nothing listens there: the command must stop at the option, not at the database.
      '--database-url',
      'postgres://nobody@127.0.0.1:1/none',
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--workers must be a whole number from 1 to/)
    expect(result.stderr).not.toMatch(/PostgreSQL/)
    const ok = await runCli([
      'backfill',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current'),
      '--datetime',
      'ts',
      '--target',
      'target',
      '--prediction',
      'prediction',
      '--name',
      'cli-one-worker',
      '--workers',
      '1',
      '--force',
      '--json',
      '--home',
      dir,
      '--database-url',
      server.url,
    ])
    expect(ok.code, ok.stderr).toBe(0)
    const stored = await listDayMetrics(pool, '2024-01-01', '2024-03-01', 'cli-one-worker')
    expect(stored.map((d) => d.metrics.date)).toEqual(serial.windows.map((w) => w.metrics.date))
    stored.forEach((day, i) =>
      expectSameNumbers(day.metrics, serial.windows[i]?.metrics, `cli ${day.metrics.date}`),
    )
  }, 120_000)
})
