import { COURSE_PROJECT } from '../../src-main/core/project/course-project'
import { PICKUP_COLUMN } from '../../src-main/core/pipeline/course-columns'
import { eventTimeOf } from '../../src-main/services/serving/served-project'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { PostgresRunStore } from '../../src-main/adapters/postgres/postgres-run-store'
import { createPostgresLiveLogStore } from '../../src-main/adapters/postgres/postgres-live-log-store'
import { PredictionLogWriter } from '../../src-main/adapters/postgres/prediction-log-writer'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { loadConfig } from '../../src-main/config/app-config'
import { predictTripDurations } from '../../src-main/core/model/trip-duration-model'
import { computeDayMetrics } from '../../src-main/core/pipeline/compute-day-metrics'
import { createReferenceContext } from '../../src-main/core/pipeline/reference-context'
import { TripRecordFrameBuilder } from '../../src-main/core/pipeline/trip-record-frame'
import type {
  CollectOutcome,
  CourseLiveReference,
} from '../../src-main/services/live/collector-service'
import { CollectorService } from '../../src-main/services/live/collector-service'
import { ensureTrainedModel } from '../../src-main/services/model/model-service'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { jsonLines, runCli } from '../support/run-cli'
import { taxiDataDir } from '../support/taxi-data'
import type { TripRecordJson } from '../support/trip-poster'
import { readTripRecords } from '../support/trip-poster'

const DAY = 86_400_000_000
const HOUR = 3_600_000_000

/**
 * The collector's windows close by event time: with --follow, a window is computed once the log's
 * watermark reaches its end + lateness, never before; without it, the log running out closes every
 * window with rows and the unclosed last one is provisional, computed again once when it closes.
 * The service runs in this process over a real PostgreSQL; the log is written by the service's writer.
 */
describe('collector: windows close on the event-time watermark', () => {
  let server: TestPostgres
  let pool: DatabasePool
  let home: string
  let reference: CourseLiveReference
  let trips: TripRecordJson[]
  let writer: PredictionLogWriter

  beforeAll(async () => {
    const [started, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    server = started
    pool = createPool(server.url)
    await runMigrations(pool)
    home = await mkdtemp(join(tmpdir(), 'driftdesk-collector-follow-'))
    const trained = await ensureTrainedModel(
      loadConfig({}, { homeDir: home }),
      '2022-01',
      join(data.dir, 'green_tripdata_2022-01.parquet'),
    )
    reference = {
      context: createReferenceContext(trained.training.reference, trained.training.model),
      referenceMonth: '2022-01',
      modelFingerprint: trained.fingerprint,
    }
    const all = await readTripRecords(join(data.dir, 'green_tripdata_2022-02.parquet'))
    trips = all.filter((t) => /^2022-02-0[1-3]/.test(String(t.lpep_pickup_datetime)))
    writer = new PredictionLogWriter(pool)
  }, 300_000)

  afterAll(async () => {
    await writer?.close()
    await pool?.end()
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  /** Logs trips as the service does: the course model's prediction, the whole record. */
  async function log(records: readonly TripRecordJson[]): Promise<void> {
    const frame = new TripRecordFrameBuilder()
    for (const record of records) frame.append(record)
    const predictions = predictTripDurations(reference.context.model, frame.finish())
    await writer.write(
      records.map((record, i) => ({
        requestId: randomUUID(),
        receivedAt: new Date(),
        project: COURSE_PROJECT,
        eventTime: eventTimeOf(record, PICKUP_COLUMN, new Date()),
        record,
        prediction: predictions[i] as number,
        modelVersion: 'test',
        latencyMs: 0,
      })),
    )
  }

  /** Watermarks the collectors have read, in order: a look at the log begins with reading it. */
  const watermarks: (number | null)[] = []

  function collector(): CollectorService {
    const log = createPostgresLiveLogStore(pool)
    return new CollectorService({
      store: new PostgresRunStore(pool),
      log: {
        ...log,
        eventTimeWatermark: async (project) => {
          const watermark = await log.eventTimeWatermark(project)
          watermarks.push(watermark)
          return watermark
        },
      },
      loadReference: () => Promise.resolve(reference),
      hostname: 'test',
      pid: process.pid,
    })
  }

  const stored = async (): Promise<{ date: string; provisional: boolean; rows: number }[]> =>
    (
      await pool.query<{ date: string; provisional: boolean; rows: number }>(
        `SELECT to_char("timestamp", 'YYYY-MM-DD') AS date, provisional, rows FROM daily_metrics
          WHERE source = 'live' ORDER BY "timestamp"`,
      )
    ).rows

  async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 60_000
    for (;;) {
      const value = await check()
      if (value !== undefined) return value
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const pickedUp = (prefix: string): TripRecordJson[] =>
    trips.filter((t) => String(t.lpep_pickup_datetime).startsWith(prefix))

  it('following: a window is computed once the watermark passes its end + lateness, exactly once', async () => {
    const controller = new AbortController()
    const running: Promise<CollectOutcome> = collector().run(
      { project: 'nyc-taxi', windowMicros: DAY, latenessMicros: HOUR, follow: true, pollMs: 50 },
      { signal: controller.signal },
    )
    await log(pickedUp('2022-02-01'))
    // Feb 2 00:xx: past Feb 1's end but not its end + 1 h lateness; a late Feb 1 trip still counts.
    await log(pickedUp('2022-02-02T00'))
    const late = { ...pickedUp('2022-02-01')[0]!, lpep_pickup_datetime: '2022-02-01T23:59:59' }
    await log([late])
    // Two looks at the log after it saw the late row: the first one's decisions are finished by then.
    const seen = Date.UTC(2022, 1, 2, 0) * 1000
    await until(async () => {
      await Promise.resolve()
      return watermarks.filter((w) => w !== null && w >= seen).length >= 2 ? true : undefined
    }, 'the collector to look at the log twice')
    expect(await stored()).toEqual([])
    const { rows: tasks } = await pool.query(`SELECT 1 FROM task_runs`)
    expect(tasks).toEqual([])
    await log(pickedUp('2022-02-02T01'))
    const [day1] = await until(async () => {
      const rows = await stored()
      return rows.length > 0 ? rows : undefined
    }, 'Feb 1 to close')
    expect(day1).toEqual({
      date: '2022-02-01',
      provisional: false,
      rows: pickedUp('2022-02-01').length + 1,
    })
    controller.abort()
    const outcome = await running
    expect(outcome.run.state).toBe('Completed')
    expect(outcome.computed.map((w) => w.metrics.date)).toEqual(['2022-02-01'])
    expect(await stored()).toHaveLength(1) // Feb 2 is still open
  })

  it(
    'without --follow the log running out closes the rest; the last window is provisional, then computed once more when it closes',
    { timeout: 120_000 },
    async () => {
      await log(
        pickedUp('2022-02-02').filter((t) => !/T0[01]/.test(String(t.lpep_pickup_datetime))),
      )
      const first = await collector().run({
        project: 'nyc-taxi',
        windowMicros: DAY,
        latenessMicros: HOUR,
        follow: false,
      })
      expect(first.computed.map((w) => [w.metrics.date, w.provisional])).toEqual([
        ['2022-02-02', true],
      ])
      expect((await stored()).map((w) => [w.date, w.provisional])).toEqual([
        ['2022-02-01', false],
        ['2022-02-02', true],
      ])
      // Nothing new: the provisional window is not computed again.
      const again = await collector().run({
        project: 'nyc-taxi',
        windowMicros: DAY,
        latenessMicros: HOUR,
        follow: false,
      })
      expect(again.computed).toEqual([])
      // Feb 3 moves the watermark past Feb 2's end + lateness: Feb 2 closes and is computed once more.
      await log(pickedUp('2022-02-03'))
      const closing = await collector().run({
        project: 'nyc-taxi',
        windowMicros: DAY,
        latenessMicros: HOUR,
        follow: false,
      })
      expect(closing.computed.map((w) => [w.metrics.date, w.provisional])).toEqual([
        ['2022-02-02', false],
        ['2022-02-03', true],
      ])
      const { rows } = await pool.query<{ task_key: string; n: number }>(
        `SELECT task_key, count(*)::int AS n FROM task_runs WHERE state = 'Completed'
        GROUP BY task_key ORDER BY task_key`,
      )
      expect(rows).toEqual([
        { task_key: 'window:2022-02-01', n: 1 },
        { task_key: 'window:2022-02-02', n: 2 },
        { task_key: 'window:2022-02-03', n: 1 },
      ])
      // metrics --source live prints closed windows only; the provisional Feb 3 waits until it closes.
      const printed = await runCli([
        'metrics',
        '--project',
        'nyc-taxi',
        '--source',
        'live',
        '--month',
        '2022-02',
        '--json',
        '--database-url',
        server.url,
        '--home',
        home,
      ])
      expect(printed.code).toBe(0)
      expect(jsonLines(printed.stdout).map((line) => line.date)).toEqual([
        '2022-02-01',
        '2022-02-02',
      ])
      expect(printed.stderr).toContain('1 provisional window(s) not shown')
    },
  )

  it('refuses a second collector for the project while one runs', async () => {
    const controller = new AbortController()
    const running = collector().run(
      { project: 'nyc-taxi', windowMicros: DAY, latenessMicros: 0, follow: true, pollMs: 50 },
      { signal: controller.signal },
    )
    await until(async () => {
      const { rows } = await pool.query(
        `SELECT 1 FROM runs WHERE job = 'collect' AND state = 'Running'`,
      )
      return rows.length > 0 ? true : undefined
    }, 'the first collector to run')
    await expect(
      collector().run({ project: 'nyc-taxi', windowMicros: DAY, latenessMicros: 0, follow: false }),
    ).rejects.toThrow(/Another collector is running for project nyc-taxi \(run ID /)
    controller.abort()
    await running
  })

  it(
    'hourly windows for nyc-taxi: keyed by their ISO start, window_end stored, each hour once, the numbers of its trips',
    { timeout: 240_000 },
    async () => {
      // The day windows of the tests above would share the midnight key with the first hour.
      await pool.query(`DELETE FROM daily_metrics WHERE source = 'live'`)
      const first = await collector().run({
        project: 'nyc-taxi',
        windowMicros: HOUR,
        latenessMicros: 0,
        follow: false,
      })
      const keys = first.computed.map((w) => w.metrics.date)
      expect(keys[0]).toBe('2022-02-01')
      expect(keys[1]).toBe('2022-02-01T01:00:00')
      expect(keys).toContain('2022-02-02')
      expect(keys.every((k) => /^2022-02-0[1-3](T(0[1-9]|1\d|2[0-3]):00:00)?$/.test(k))).toBe(true)
      expect(first.computed.filter((w) => w.provisional).map((w) => w.metrics.date)).toEqual([
        keys.at(-1),
      ])
      const { rows } = await pool.query<{
        start: string
        end: string
        rows: number
        logged: number
      }>(
        `SELECT d."timestamp"::text AS start, d.window_end::text AS end, d.rows,
                (SELECT count(*)::int FROM prediction_log l WHERE l.project = 'nyc-taxi'
                  AND l.event_time >= d."timestamp" AND l.event_time < d.window_end) AS logged
           FROM daily_metrics d WHERE d.source = 'live' ORDER BY d."timestamp"`,
      )
      expect(rows).toHaveLength(keys.length)
      for (const row of rows) {
        expect(Date.parse(`${row.end}Z`) - Date.parse(`${row.start}Z`), row.start).toBe(3_600_000)
        expect(row.rows, row.start).toBe(row.logged)
      }
      // One hour's numbers are the course's metrics of exactly that hour's trips.
      const hour = pickedUp('2022-02-01T05')
      const frame = new TripRecordFrameBuilder()
      for (const record of hour) frame.append(record)
      const current = frame.finish()
      const expected = computeDayMetrics(
        reference.context,
        current,
        '2022-02-01T05:00:00',
        {},
        predictTripDurations(reference.context.model, current),
      )
      const got = first.computed.find((w) => w.metrics.date === '2022-02-01T05:00:00')!.metrics
      expect(got.rows).toBe(hour.length)
      expect(got.predictionDrift).toBe(expected.predictionDrift)
      expect(got.numDriftedColumns).toBe(expected.numDriftedColumns)
      expect(got.shareMissingValues).toBe(expected.shareMissingValues)
      // Again: every closed hour is stored, the provisional last one has nothing new: nothing computed.
      const again = await collector().run({
        project: 'nyc-taxi',
        windowMicros: HOUR,
        latenessMicros: 0,
        follow: false,
      })
      expect(again.computed).toEqual([])
      const { rows: tasks } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM task_runs WHERE task_key = 'window:2022-02-01T05:00:00'`,
      )
      expect(tasks[0]?.n).toBe(1)
    },
  )
})
