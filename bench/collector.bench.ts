import { COURSE_PROJECT } from '../src-main/core/project/course-project'
import { PICKUP_COLUMN } from '../src-main/core/pipeline/course-columns'
import { eventTimeOf } from '../src-main/services/serving/served-project'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
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
import { CollectorService } from '../src-main/services/live/collector-service'
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
  } finally {
    await pool.end()
    await postgres.stop()
    rmSync(home, { recursive: true, force: true })
  }
}
