import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readParquetFile } from '../../adapters/parquet/read-parquet-frame'
import type { DatabasePool } from '../../adapters/postgres/pool'
import { createPool } from '../../adapters/postgres/pool'
import {
  readLoggedPredictions,
  storePredictionFeedback,
  storePredictionFeedbackBatch,
} from '../../adapters/postgres/prediction-log-repository'
import { PredictionLogWriter } from '../../adapters/postgres/prediction-log-writer'
import { runMigrations } from '../../adapters/postgres/run-migrations'
import type { Frame } from '../../core/data/frame'
import { getColumn, isNullAt, takeRows } from '../../core/data/frame'
import { prepareTraining } from '../../core/pipeline/prepare-training'
import { buildPredictionServer } from '../../server/prediction/build-prediction-server'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import { taxiDataDir } from '../../../test/support/taxi-data'
import { PredictionService } from '../serving/prediction-service'
import { courseServedProject } from '../serving/served-project'
import type { ReplaySend } from './replay-trips'
import { replayTrips } from './replay-trips'
import { planTripReplay, wallClockText } from './trip-replay-plan'

describe('replay: a month of trips through the real service into the real log', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let app: FastifyInstance
  let writer: PredictionLogWriter
  let march: Frame

  beforeAll(async () => {
    const [server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    postgres = server
    pool = createPool(postgres.url)
    await runMigrations(pool)
    const january = await readParquetFile(join(data.dir, 'green_tripdata_2022-01.parquet'))
    const model = prepareTraining(january, '2022-01').model
    const full = await readParquetFile(join(data.dir, 'green_tripdata_2022-03.parquet'))
    // Every 97th row: a few hundred trips spread over the month, with the file's nulls and oddities.
    march = takeRows(
      full,
      Array.from({ length: Math.ceil(full.rowCount / 97) }, (_, i) => i * 97),
    )
    writer = new PredictionLogWriter(pool)
    const service = new PredictionService({
      project: courseServedProject({ model, referenceMonth: '2022-01', version: 'v-replay' }),
      log: writer,
      storeFeedback: (id, actual) => storePredictionFeedback(pool, id, actual),
      storeFeedbackBatch: (items) => storePredictionFeedbackBatch(pool, items),
    })
    app = buildPredictionServer({
      service,
      checkDatabase: async () => {
        await pool.query('SELECT 1')
      },
      pendingLogRows: () => writer.pendingRows,
    })
  })

  afterAll(async () => {
    await app?.close()
    await writer?.close()
    await pool?.end()
    await postgres?.stop()
  })

  const send: ReplaySend = async (path, body) => {
    const answer = await app.inject({ method: 'POST', url: path, payload: body as object })
    return { status: answer.statusCode, body: answer.json() }
  }

  it('plans every trip in pickup order, each feedback after its own prediction', () => {
    const plan = planTripReplay(march)
    const predicted = plan.events.filter((event) => event.kind === 'predict')
    expect(predicted).toHaveLength(march.rowCount)
    expect(new Set(predicted.map((event) => event.trip)).size).toBe(march.rowCount)
    for (let i = 1; i < plan.events.length; i++)
      expect(plan.events[i]!.atUs).toBeGreaterThanOrEqual(plan.events[i - 1]!.atUs)
    const seen = new Set<number>()
    for (const event of plan.events) {
      if (event.kind === 'predict') seen.add(event.trip)
      else expect(seen.has(event.trip)).toBe(true)
    }
  })

  it('sends each trip whole (every column, nulls as null), logs it with its pickup as event time, posts its duration', async () => {
    const plan = planTripReplay(march)
    const answered: string[] = []
    const summary = await replayTrips(plan, send, {
      speed: null,
      concurrency: 8,
      onAnswered: (id) => answered.push(id),
    })
    expect(summary.failed).toBe(0)
    expect(summary.stoppedBecause).toBeNull()
    expect(summary.predictionsAnswered).toBe(march.rowCount)
    expect(answered).toHaveLength(march.rowCount)
    const logged = await readLoggedPredictions(pool, answered)
    expect(logged).toHaveLength(march.rowCount)
    // Each logged record equals a row of the file, column for column.
    const pickup = getColumn(march, 'lpep_pickup_datetime')
    const byPickupAndTotal = new Map<string, number[]>()
    for (let i = 0; i < march.rowCount; i++) {
      const key = `${plan.record(i)['lpep_pickup_datetime']}|${plan.record(i)['total_amount']}`
      byPickupAndTotal.set(key, [...(byPickupAndTotal.get(key) ?? []), i])
    }
    for (const row of logged) {
      expect(Object.keys(row.record)).toEqual(expect.arrayContaining([...march.names]))
      expect(Object.keys(row.record)).toHaveLength(march.names.length)
      const key = `${String(row.record['lpep_pickup_datetime'])}|${String(row.record['total_amount'])}`
      const candidates = (byPickupAndTotal.get(key) ?? []).map((i) => plan.record(i))
      expect(candidates).toContainEqual(row.record)
      expect(row.project).toBe('nyc-taxi')
      expect(row.eventTime?.replace(' ', 'T')).toBe(row.record['lpep_pickup_datetime'])
    }
    const nullPickups = Array.from({ length: march.rowCount }, (_, i) => i).filter((i) =>
      isNullAt(pickup, i),
    )
    expect(nullPickups).toEqual([])
    // Feedback: the course's duration, for every trip that has one.
    const withDuration = Array.from({ length: march.rowCount }, (_, i) => i).filter(
      (i) => plan.durationMin(i) !== null,
    )
    expect(summary.feedbackSent).toBe(withDuration.length)
    const feedback = await pool.query<{
      request_id: string
      duration_min: number
      actual: unknown
    }>(
      `SELECT request_id, duration_min, actual FROM prediction_feedback WHERE request_id = ANY($1::uuid[])`,
      [answered],
    )
    expect(feedback.rowCount).toBe(withDuration.length)
    const durations = new Set(withDuration.map((i) => plan.durationMin(i)))
    for (const row of feedback.rows) {
      expect(durations.has(row.duration_min)).toBe(true)
      expect(row.actual).toBe(row.duration_min)
    }
  })

  it('paces the clock: at 3600 trip seconds per second, an hour of trips takes about a second', async () => {
    const plan = planTripReplay(march)
    const waits: number[] = []
    let clock = 0
    const summary = await replayTrips(plan, send, {
      speed: 3600,
      concurrency: 4,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms)
        clock += ms
      },
    })
    expect(summary.failed).toBe(0)
    const lastUs = plan.events.at(-1)!.atUs
    // The injected clock advanced exactly by the trip time / speed (within the 1 ms step).
    expect(clock).toBeCloseTo((lastUs - plan.startUs) / 1000 / 3600, -1)
  })

  it('--speed max --batch: trips go out as JSON arrays in pickup order, each feedback after its own answer, every trip logged once', async () => {
    const plan = planTripReplay(march)
    const pickupOrder = plan.events.filter((e) => e.kind === 'predict').map((e) => e.trip)
    const recordOf = new Map(pickupOrder.map((trip) => [JSON.stringify(plan.record(trip)), trip]))
    const batches: number[][] = []
    const answeredSoFar = new Set<string>()
    const feedbackBeforeAnswer: string[] = []
    let feedbackPosts = 0
    const spy: ReplaySend = async (path, body) => {
      if (path === '/predict') {
        expect(Array.isArray(body)).toBe(true)
        batches.push((body as object[]).map((record) => recordOf.get(JSON.stringify(record))!))
        const answer = await send(path, body)
        for (const p of (answer.body as { predictions: { requestId: string }[] }).predictions)
          answeredSoFar.add(p.requestId)
        return answer
      }
      // Feedback goes out in arrays too, each item only once its prediction was answered.
      expect(Array.isArray(body)).toBe(true)
      for (const { requestId } of body as { requestId: string }[]) {
        feedbackPosts++
        if (!answeredSoFar.has(requestId)) feedbackBeforeAnswer.push(requestId)
      }
      const answer = await send(path, body)
      expect((answer.body as { unknown: number }).unknown).toBe(0)
      return answer
    }
    const answered: string[] = []
    const summary = await replayTrips(plan, spy, {
      speed: null,
      concurrency: 4,
      batch: 50,
      feedbackShare: 0.5,
      onAnswered: (id) => answered.push(id),
    })
    expect(summary.failed).toBe(0)
    expect(summary.predictionsAnswered).toBe(march.rowCount)
    expect(new Set(answered).size).toBe(march.rowCount)
    // Full batches of 50 but the last, and their concatenation is the pickup order exactly.
    expect(batches).toHaveLength(Math.ceil(march.rowCount / 50))
    expect(batches.slice(0, -1).every((b) => b.length === 50)).toBe(true)
    expect(batches.flat()).toEqual(pickupOrder)
    const logged = await readLoggedPredictions(pool, answered)
    expect(logged).toHaveLength(march.rowCount)
    // Half the trips with a duration (evenly spread by trip index) get their feedback, none early.
    const withDuration = Array.from({ length: march.rowCount }, (_, i) => i).filter(
      (i) => plan.durationMin(i) !== null,
    )
    const picked = withDuration.filter((i) => Math.floor((i + 1) * 0.5) > Math.floor(i * 0.5))
    expect(summary.feedbackSent).toBe(picked.length)
    expect(feedbackPosts).toBe(picked.length)
    expect(summary.feedbackOmitted).toBe(withDuration.length - picked.length)
    expect(feedbackBeforeAnswer).toEqual([])
    const stored = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
      [answered],
    )
    expect(stored.rows[0]!.n).toBe(picked.length)
  })

  it('a finite speed with --batch batches only the trips due in the same tick', async () => {
    const plan = planTripReplay(march)
    const sizes: number[] = []
    const spy: ReplaySend = async (path, body) => {
      if (path === '/predict') sizes.push((body as object[]).length)
      return send(path, body)
    }
    let clock = 0
    const summary = await replayTrips(plan, spy, {
      // A day of trip time per second: a 1 ms tick holds 86.4 s of trips, so ties and near-ties batch.
      speed: 86_400 * 1000,
      concurrency: 4,
      batch: 1000,
      feedbackShare: 0,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms
      },
    })
    expect(summary.failed).toBe(0)
    expect(summary.feedbackSent).toBe(0)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(march.rowCount)
    // Each request holds the trips due before the clock next had to wait: several requests, not one.
    expect(sizes.length).toBeGreaterThan(1)
    expect(sizes.length).toBeLessThan(march.rowCount)
  })

  it('writes timestamps as wall-clock text to the microsecond', () => {
    expect(wallClockText(Date.UTC(2022, 2, 1, 0, 5, 12) * 1000)).toBe('2022-03-01T00:05:12')
    expect(wallClockText(Date.UTC(2022, 2, 1, 0, 5, 12) * 1000 + 250)).toBe(
      '2022-03-01T00:05:12.000250',
    )
  })
})
