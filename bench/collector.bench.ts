import { COURSE_PROJECT } from '../src-main/core/project/course-project'
import { PICKUP_COLUMN } from '../src-main/core/pipeline/course-columns'
import { eventTimeOf } from '../src-main/services/serving/served-project'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  countRowsPerWindow,
  eventTimeWatermark,
  feedbackVersion,
  stampEventTimes,
} from '../src-main/adapters/postgres/live-log-repository'
import { createPool } from '../src-main/adapters/postgres/pool'
import { createPostgresLiveLogStore } from '../src-main/adapters/postgres/postgres-live-log-store'
import { PostgresRunStore } from '../src-main/adapters/postgres/postgres-run-store'
import type { PredictionLogRow } from '../src-main/adapters/postgres/prediction-log-writer'
import { PredictionLogWriter } from '../src-main/adapters/postgres/prediction-log-writer'
import { runMigrations } from '../src-main/adapters/postgres/run-migrations'
import { loadConfig } from '../src-main/config/app-config'
import { predictTripDurations } from '../src-main/core/model/trip-duration-model'
import { createReferenceContext } from '../src-main/core/pipeline/reference-context'
import { TripRecordFrameBuilder } from '../src-main/core/pipeline/trip-record-frame'
import type { DatabasePool } from '../src-main/adapters/postgres/pool'
import { CollectorService } from '../src-main/services/live/collector-service'
import { loadProjectLiveReference } from '../src-main/services/live/project-live-reference'
import { ensureTrainedModel } from '../src-main/services/model/model-service'
import { startTestPostgres } from '../test/support/postgres'
import { taxiDataDir } from '../test/support/taxi-data'
import { readTripRecords } from '../test/support/trip-poster'

const DAY = 86_400_000_000

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/**
 * The live collector (docs/live-collector.md): a month of the taxi log (February 2022, every trip) in an
 * embedded PostgreSQL, then
 * - the whole month collected without --follow (windows/s, rows/s);
 * - one look at the log as --follow makes it every --poll-ms (stamp, watermark, windows since the last
 *   closed one, feedback version): median of 50;
 * - what LISTEN/NOTIFY would cost instead: the log writer's throughput with and without a statement-level
 *   NOTIFY trigger on prediction_log (the service's hot path), batches of 100 rows.
 */
export default async function benchCollector(): Promise<void> {
  const [postgres, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
  const home = mkdtempSync(join(tmpdir(), 'driftdesk-bench-collect-'))
  const pool = createPool(postgres.url)
  try {
    await runMigrations(pool)
    const trained = await ensureTrainedModel(
      loadConfig({}, { homeDir: home }),
      '2022-01',
      join(data.dir, 'green_tripdata_2022-01.parquet'),
    )
    const context = createReferenceContext(trained.training.reference, trained.training.model)
    const records = await readTripRecords(join(data.dir, 'green_tripdata_2022-02.parquet'))
    const builder = new TripRecordFrameBuilder()
    for (const record of records) builder.append(record)
    const predictions = predictTripDurations(context.model, builder.finish())
    const rows: PredictionLogRow[] = records.map((record, i) => ({
      requestId: randomUUID(),
      receivedAt: new Date(),
      project: COURSE_PROJECT,
      eventTime: eventTimeOf(record, PICKUP_COLUMN, new Date()),
      record,
      prediction: predictions[i] as number,
      modelVersion: 'bench',
      latencyMs: 0,
    }))

    const writeAll = async (batch: readonly PredictionLogRow[]): Promise<number> => {
      const writer = new PredictionLogWriter(pool)
      const started = performance.now()
      const writes: Promise<void>[] = []
      for (let i = 0; i < batch.length; i += 100) writes.push(writer.write(batch.slice(i, i + 100)))
      await Promise.all(writes)
      await writer.close()
      return batch.length / ((performance.now() - started) / 1000)
    }
    const logged = await writeAll(rows)
    console.log(`log: ${rows.length} rows written at ${Math.round(logged)} rows/s`)

    const collector = new CollectorService({
      store: new PostgresRunStore(pool),
      log: createPostgresLiveLogStore(pool),
      loadReference: () =>
        Promise.resolve({
          context,
          referenceMonth: '2022-01',
          modelFingerprint: trained.fingerprint,
        }),
      hostname: 'bench',
      pid: process.pid,
    })
    const started = performance.now()
    const outcome = await collector.run({
      project: 'nyc-taxi',
      windowMicros: DAY,
      latenessMicros: 0,
      follow: false,
    })
    const seconds = (performance.now() - started) / 1000
    console.log(
      `collect (no --follow): ${outcome.computed.length} windows, ${rows.length} rows in ${seconds.toFixed(2)} s ` +
        `(${(outcome.computed.length / seconds).toFixed(1)} windows/s, ${Math.round(rows.length / seconds)} rows/s)`,
    )

    const since = Date.UTC(2022, 1, 28) * 1000
    const parts: Record<string, () => Promise<unknown>> = {
      stamp: () => stampEventTimes(pool, 'nyc-taxi', 'lpep_pickup_datetime'),
      watermark: () => eventTimeWatermark(pool, 'nyc-taxi'),
      windows: () => countRowsPerWindow(pool, 'nyc-taxi', DAY, 0, since),
      feedback: () => feedbackVersion(pool),
    }
    const lookAt = async (when: string): Promise<void> => {
      const looks: number[] = []
      const byPart: Record<string, number[]> = {}
      for (let i = 0; i < 50; i++) {
        const t = performance.now()
        for (const [name, part] of Object.entries(parts)) {
          const p = performance.now()
          await part()
          ;(byPart[name] ??= []).push(performance.now() - p)
        }
        looks.push(performance.now() - t)
      }
      const detail = Object.entries(byPart)
        .map(([name, times]) => `${name} ${median(times).toFixed(2)}`)
        .join(', ')
      console.log(
        `one look at a ${rows.length}-row log (--follow polls), ${when}: median ${median(looks).toFixed(2)} ms (${detail})`,
      )
    }
    // The collector stamped every row (this log was written without event times, as serve does
    // today): each stamped row left a dead version until VACUUM.
    await lookAt('right after stamping')
    await pool.query('VACUUM prediction_log')
    await lookAt('after VACUUM')

    const sample = rows.slice(0, 20_000)
    const again = (): PredictionLogRow[] =>
      sample.map((row) => ({ ...row, requestId: randomUUID() }))
    const plain: number[] = []
    const notifying: number[] = []
    await pool.query(`CREATE FUNCTION bench_notify_log() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN PERFORM pg_notify('prediction_log', ''); RETURN NULL; END $$`)
    for (let run = 0; run < 3; run++) {
      plain.push(await writeAll(again()))
      await pool.query(`CREATE TRIGGER bench_notify AFTER INSERT ON prediction_log
        FOR EACH STATEMENT EXECUTE FUNCTION bench_notify_log()`)
      notifying.push(await writeAll(again()))
      await pool.query('DROP TRIGGER bench_notify ON prediction_log')
    }
    console.log(
      `log writer, batches of 100: ${Math.round(median(plain))} rows/s without a NOTIFY trigger, ` +
        `${Math.round(median(notifying))} rows/s with one (median of 3)`,
    )
    await benchOwnProjectCollector(pool, home)
  } finally {
    await pool.end()
    await postgres.stop()
    rmSync(home, { recursive: true, force: true })
  }
}

/**
 * The collector on a learner's own project: a generated log of 60,000 rows over 30 days (a timestamp,
 * three numerical and two categorical features, target, prediction; rows logged as `POST /log` stores
 * them) against a 5,000-row CSV reference, with two extra metrics, collected in day windows and in hour
 * windows (windows/s, rows/s; each window read from PostgreSQL, typed as the reference, computed, stored).
 */
export async function benchOwnProjectCollector(pool: DatabasePool, folder: string): Promise<void> {
  let seed = 7
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }
  const plans = ['basic', 'pro', 'team', 'edu']
  const regions = ['eu', 'us', 'apac']
  const row = (ms: number): Record<string, unknown> => {
    const a = 20 + 10 * random()
    const target = a * 0.5 + random() * 3
    return {
      ts: new Date(ms).toISOString().slice(0, 19).replace('T', ' '),
      a,
      b: random() < 0.05 ? null : random() * 100,
      c: Math.floor(random() * 10),
      plan: plans[Math.floor(random() * plans.length)],
      region: random() < 0.03 ? null : regions[Math.floor(random() * regions.length)],
      target,
      prediction: target + random() - 0.5,
    }
  }
  const columns = ['ts', 'a', 'b', 'c', 'plan', 'region', 'target', 'prediction']
  const reference = Array.from({ length: 5000 }, (_, i) => row(Date.UTC(2024, 0, 1) + i * 60_000))
  const cell = (v: unknown): string =>
    v === null ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(6) : String(v)
  writeFileSync(
    join(folder, 'own-reference.csv'),
    `${columns.join(',')}\n${reference.map((r) => columns.map((c) => cell(r[c])).join(',')).join('\n')}\n`,
  )
  const start = Date.UTC(2024, 2, 1)
  const total = 60_000
  const logged: PredictionLogRow[] = Array.from({ length: total }, (_, i) => {
    const record = row(start + Math.floor((i * 30 * 86_400_000) / total))
    // The CSV reference holds the floats to 6 decimals: log the same values a client would send.
    for (const name of ['a', 'b', 'target', 'prediction'])
      if (typeof record[name] === 'number')
        record[name] = Number((record[name] as number).toFixed(6))
    const { prediction, ...rest } = record
    return {
      requestId: randomUUID(),
      receivedAt: new Date(),
      project: 'bench-shop',
      eventTime: eventTimeOf(rest, 'ts', new Date()),
      record: rest,
      prediction: prediction as number,
      modelVersion: 'bench',
      latencyMs: 0,
    }
  })
  const writer = new PredictionLogWriter(pool)
  for (let i = 0; i < logged.length; i += 1000) await writer.write(logged.slice(i, i + 1000))
  await writer.close()
  for (const [label, windowMicros] of [
    ['1d', DAY],
    ['1h', DAY / 24],
  ] as const) {
    await pool.query(`DELETE FROM daily_metrics WHERE project = 'bench-shop' AND source = 'live'`)
    const collector = new CollectorService({
      store: new PostgresRunStore(pool),
      log: createPostgresLiveLogStore(pool),
      loadReference: () =>
        loadProjectLiveReference({
          project: 'bench-shop',
          reference: [join(folder, 'own-reference.csv')],
          mapping: { target: 'target', prediction: 'prediction' },
          windowColumn: 'ts',
          metrics: [
            { column: 'a', metric: 'quantile', quantile: 0.5 },
            { column: 'b', metric: 'mean' },
          ],
        }),
      hostname: 'bench',
      pid: process.pid,
    })
    const cpu = process.cpuUsage()
    const started = performance.now()
    const outcome = await collector.run({
      project: 'bench-shop',
      windowMicros,
      latenessMicros: 0,
      follow: false,
    })
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    console.log(
      `collect own project (${total} rows, ${label} windows): ${outcome.computed.length} windows in ${seconds.toFixed(2)} s ` +
        `(${(outcome.computed.length / seconds).toFixed(1)} windows/s, ${Math.round(total / seconds)} rows/s; ` +
        `this process's CPU ${((used.user + used.system) / 1e6).toFixed(2)} s)`,
    )
  }
}
