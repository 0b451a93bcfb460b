import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readParquetFile } from '../../adapters/parquet/read-parquet-frame'
import type { DatabasePool } from '../../adapters/postgres/pool'
import { createPool } from '../../adapters/postgres/pool'
import { readLoggedPredictions } from '../../adapters/postgres/prediction-log-repository'
import { storePredictionFeedback } from '../../adapters/postgres/prediction-log-repository'
import { PredictionLogWriter } from '../../adapters/postgres/prediction-log-writer'
import { runMigrations } from '../../adapters/postgres/run-migrations'
import type { Frame } from '../../core/data/frame'
import { getColumn, isNullAt, takeRows } from '../../core/data/frame'
import { predictTripDurations } from '../../core/model/trip-duration-model'
import type { TripDurationModel } from '../../core/model/trip-duration-model'
import { prepareTraining } from '../../core/pipeline/prepare-training'
import { PredictionService } from '../../services/serving/prediction-service'
import { courseServedProject } from '../../services/serving/served-project'
import type { TripRecord } from '../../services/serving/trip-record-schema'
import { TRIP_RECORD_FIELDS } from '../../services/serving/trip-record-schema'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import { taxiDataDir } from '../../../test/support/taxi-data'
import { buildPredictionServer } from './build-prediction-server'

/** Row `i` of a TLC frame as the JSON record a client sends (timestamps as local ISO text). */
function tripRecordAt(frame: Frame, i: number): TripRecord {
  const record: Record<string, unknown> = {}
  for (const name of TRIP_RECORD_FIELDS) {
    const column = getColumn(frame, name)
    if (isNullAt(column, i)) record[name] = null
    else if (column.kind === 'string') record[name] = column.values[i]
    else if (column.kind === 'timestamp_us')
      record[name] = new Date((column.values[i] as number) / 1000).toISOString().slice(0, 19)
    else if (column.kind !== 'null') record[name] = column.values[i]
  }
  return record as TripRecord
}

const RIDE = {
  VendorID: 2,
  lpep_pickup_datetime: '2022-02-01T00:05:12',
  PULocationID: 74,
  DOLocationID: 75,
  passenger_count: 1,
  trip_distance: 2.1,
  fare_amount: 9.5,
  total_amount: 12.3,
}

describe('the prediction server (inject, real PostgreSQL, real TLC rows)', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let model: TripDurationModel
  let february: Frame
  let writer: PredictionLogWriter
  let app: FastifyInstance

  function buildApp(options: { token?: string; maxPendingLogRows?: number } = {}): FastifyInstance {
    const service = new PredictionService({
      project: courseServedProject({ model, referenceMonth: '2022-01', version: '2022-01-test' }),
      log: writer,
      storeFeedback: (id, minutes) => storePredictionFeedback(pool, id, minutes),
    })
    return buildPredictionServer({
      service,
      checkDatabase: async () => {
        await pool.query('SELECT 1')
      },
      pendingLogRows: () => writer.pendingRows,
      ...options,
    })
  }

  beforeAll(async () => {
    const [server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    postgres = server
    pool = createPool(postgres.url)
    await runMigrations(pool)
    const january = await readParquetFile(join(data.dir, 'green_tripdata_2022-01.parquet'))
    model = prepareTraining(january, '2022-01').model
    february = await readParquetFile(join(data.dir, 'green_tripdata_2022-02.parquet'))
    writer = new PredictionLogWriter(pool)
    app = buildApp()
  })

  afterAll(async () => {
    await app?.close()
    await writer?.close()
    await pool?.end()
    await postgres?.stop()
  })

  it("predicts real rows bit for bit as the backfill's core function does, and logs each as received", async () => {
    // The first 400 rows and 200 rows with a null passenger_count (the TLC's sparse block).
    const passengers = getColumn(february, 'passenger_count')
    const sparse: number[] = []
    for (let i = 0; i < february.rowCount && sparse.length < 200; i++)
      if (isNullAt(passengers, i)) sparse.push(i)
    expect(sparse.length).toBeGreaterThan(0)
    const rows = [...Array.from({ length: 400 }, (_, i) => i), ...sparse]
    const expected = predictTripDurations(model, takeRows(february, rows))
    const records = rows.map((i) => tripRecordAt(february, i))

    const answered: { requestId: string; durationMin: number }[] = []
    for (let start = 0; start < records.length; start += 100) {
      const response = await app.inject({
        method: 'POST',
        url: '/predict',
        payload: records.slice(start, start + 100),
      })
      expect(response.statusCode, response.body).toBe(200)
      const body = response.json<{ modelVersion: string; predictions: typeof answered }>()
      expect(body.modelVersion).toBe('2022-01-test')
      answered.push(...body.predictions)
    }
    const single = await app.inject({ method: 'POST', url: '/predict', payload: records[0] })
    expect(single.json<{ durationMin: number }>().durationMin).toBe(expected[0])

    expect(answered.map((a) => a.durationMin)).toEqual(Array.from(expected))
    for (const [i, answer] of answered.entries()) expect(answer.durationMin).toBe(expected[i])

    const logged = new Map(
      (
        await readLoggedPredictions(
          pool,
          answered.map((a) => a.requestId),
        )
      ).map((row) => [row.requestId, row]),
    )
    expect(logged.size).toBe(answered.length)
    for (const [i, answer] of answered.entries()) {
      const row = logged.get(answer.requestId)
      expect(row?.prediction).toBe(answer.durationMin)
      expect(row?.modelVersion).toBe('2022-01-test')
      expect(row?.record).toEqual(records[i])
      const nulls = Object.entries(records[i] as object)
        .filter(([, value]) => value === null)
        .map(([key]) => key)
        .sort()
      expect(row?.missingFields).toEqual(nulls)
    }
  })

  it('stores feedback for a logged request, replaces a second one, and refuses an unknown id with a 404', async () => {
    const predicted = await app.inject({ method: 'POST', url: '/predict', payload: RIDE })
    const { requestId } = predicted.json<{ requestId: string }>()
    const first = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, durationMin: 11.5 },
    })
    expect(first.json()).toEqual({ requestId, stored: 'stored' })
    const second = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, durationMin: 12 },
    })
    expect(second.json()).toEqual({ requestId, stored: 'replaced' })
    const stored = await pool.query(
      'SELECT duration_min FROM prediction_feedback WHERE request_id = $1',
      [requestId],
    )
    expect(stored.rows).toEqual([{ duration_min: 12 }])

    const unknown = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId: '00000000-0000-4000-8000-000000000000', durationMin: 3 },
    })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json<{ message: string }>().message).toMatch(
      /No prediction with requestId 0{8}-/,
    )
    const bad = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, durationMin: '12' },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ field: '/durationMin' })
  })

  it.each([
    [
      'a wrong type',
      { ...RIDE, trip_distance: '2.1' },
      '/trip_distance',
      /'trip_distance' must be a number or null; got the string "2.1"/,
    ],
    [
      'a missing required feature',
      { ...RIDE, fare_amount: undefined },
      '/fare_amount',
      /Missing field 'fare_amount'/,
    ],
    ['a field outside the schema', { ...RIDE, tip: 1 }, '/tip', /Unknown field 'tip'/],
    [
      'a malformed timestamp',
      { ...RIDE, lpep_pickup_datetime: 'yesterday' },
      '/lpep_pickup_datetime',
      /local time like/,
    ],
    [
      'a bad ride inside a batch',
      [RIDE, { ...RIDE, PULocationID: 7.5 }],
      '/1/PULocationID',
      /Ride 1 of the batch: Field 'PULocationID' must be an integer/,
    ],
    ['a scalar body', 42, '', /one ride \(a JSON object\) or a batch/],
    ['an empty batch', [], '', /batch is empty/],
  ])('answers 400 naming the field for %s', async (_name, payload, field, message) => {
    const response = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    })
    expect(response.statusCode).toBe(400)
    const body = response.json<{ field?: string; message: string }>()
    expect(body.field ?? '').toBe(field)
    expect(body.message).toMatch(message)
  })

  it('predicts a ride whose features are null as the course does (null as 0) and logs the nulls', async () => {
    const ride = { ...RIDE, passenger_count: null, trip_distance: null }
    const response = await app.inject({ method: 'POST', url: '/predict', payload: ride })
    const { requestId, durationMin } = response.json<{ requestId: string; durationMin: number }>()
    const zeroed = predictTripDurations(model, {
      rowCount: 1,
      names: [
        'passenger_count',
        'trip_distance',
        'fare_amount',
        'total_amount',
        'PULocationID',
        'DOLocationID',
      ],
      columns: {
        passenger_count: { kind: 'float64', values: Float64Array.of(0), valid: null },
        trip_distance: { kind: 'float64', values: Float64Array.of(0), valid: null },
        fare_amount: { kind: 'float64', values: Float64Array.of(9.5), valid: null },
        total_amount: { kind: 'float64', values: Float64Array.of(12.3), valid: null },
        PULocationID: { kind: 'float64', values: Float64Array.of(74), valid: null },
        DOLocationID: { kind: 'float64', values: Float64Array.of(75), valid: null },
      },
    })
    expect(durationMin).toBe(zeroed[0])
    const [row] = await readLoggedPredictions(pool, [requestId])
    expect(row?.missingFields).toEqual(['passenger_count', 'trip_distance'])
    expect(row?.record.passenger_count).toBeNull()
  })

  it("refuses a pickup time that names no real moment (February 30th, 25 o'clock) with a 400 naming the field, predicting and logging nothing", async () => {
    const before = await pool.query<{ rows: number }>(
      'SELECT count(*)::int AS rows FROM prediction_log',
    )
    for (const [payload, field] of [
      [{ ...RIDE, lpep_pickup_datetime: '2022-02-30T00:05:12' }, '/lpep_pickup_datetime'],
      [[RIDE, { ...RIDE, lpep_pickup_datetime: '2022-02-01T25:00:00' }], '/1/lpep_pickup_datetime'],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: '/predict', payload })
      expect(response.statusCode, response.body).toBe(400)
      expect(response.json()).toMatchObject({
        field,
        message: expect.stringMatching(
          /Field 'lpep_pickup_datetime' must be a local time like '2022-02-01T00:05:12' or null; got the string "2022-02-(30T00:05:12|01T25:00:00)", which is no real date and time/,
        ),
      })
    }
    const after = await pool.query<{ rows: number }>(
      'SELECT count(*)::int AS rows FROM prediction_log',
    )
    expect(after.rows[0]?.rows).toBe(before.rows[0]?.rows)
  })

  it('answers malformed JSON with a 400, a huge body with a 413, another content type with a 415', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/json' },
      payload: '{"PULocationID": 1,',
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json<{ message: string }>().message).toMatch(/not valid JSON/)
    const huge = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(Array.from({ length: 20_000 }, () => RIDE)),
    })
    expect(huge.statusCode).toBe(413)
    expect(huge.json<{ message: string }>().message).toMatch(/larger than 1048576 bytes/)
    const text = await app.inject({
      method: 'POST',
      url: '/predict',
      headers: { 'content-type': 'application/xml' },
      payload: '<ride/>',
    })
    expect(text.statusCode).toBe(415)
    expect(text.json<{ message: string }>().message).toMatch(/Content-Type: application\/json/)
  })

  it('reports Prometheus metrics: requests by route and status, errors, a latency histogram', async () => {
    await app.inject({ method: 'POST', url: '/predict', payload: RIDE })
    await app.inject({ method: 'GET', url: '/nowhere' })
    const response = await app.inject({ method: 'GET', url: '/metrics' })
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = response.body
    expect(text).toMatch(
      /driftdesk_http_requests_total\{method="POST",route="\/predict",status_code="200"\} [1-9]/,
    )
    expect(text).toMatch(
      /driftdesk_http_request_errors_total\{method="GET",route="unmatched",status_code="404"\} 1/,
    )
    expect(text).toMatch(
      /driftdesk_http_request_duration_seconds_bucket\{le="0.02",method="POST",route="\/predict",status_code="200"\}/,
    )
    expect(text).toMatch(/driftdesk_predictions_total [1-9]/)
  })

  it('reports degraded health (503) when PostgreSQL does not answer, ok (200) when it does', async () => {
    const ok = await app.inject({ method: 'GET', url: '/health' })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ status: 'ok', database: 'ok', modelVersion: '2022-01-test' })
    // A pool on a port where nothing listens: the real connection failure, not a stub.
    const deadPool = createPool('postgres://nobody@127.0.0.1:1/none')
    const deadWriter = new PredictionLogWriter(deadPool)
    const service = new PredictionService({
      project: courseServedProject({ model, referenceMonth: '2022-01', version: 'dead' }),
      log: deadWriter,
      storeFeedback: (id, minutes) => storePredictionFeedback(deadPool, id, minutes),
    })
    const dead = buildPredictionServer({
      service,
      checkDatabase: async () => {
        await deadPool.query('SELECT 1')
      },
      pendingLogRows: () => deadWriter.pendingRows,
    })
    try {
      const health = await dead.inject({ method: 'GET', url: '/health' })
      expect(health.statusCode).toBe(503)
      expect(health.json()).toMatchObject({ status: 'degraded', database: 'unreachable' })
      // No log, no answer: the prediction is refused, clearly.
      const predict = await dead.inject({ method: 'POST', url: '/predict', payload: RIDE })
      expect(predict.statusCode).toBe(503)
      expect(predict.json<{ message: string }>().message).toMatch(
        /prediction log did not answer.*nothing was logged/,
      )
    } finally {
      await dead.close()
      await deadWriter.close()
      await deadPool.end()
    }
  })

  it('requires the bearer token on every request when it has one', async () => {
    const guarded = buildApp({ token: 'a-token-of-at-least-thirty-two-characters' })
    try {
      for (const url of ['/health', '/metrics']) {
        const without = await guarded.inject({ method: 'GET', url })
        expect(without.statusCode).toBe(401)
        expect(without.headers['www-authenticate']).toBe('Bearer')
      }
      const wrong = await guarded.inject({
        method: 'POST',
        url: '/predict',
        headers: { authorization: 'Bearer not-the-token' },
        payload: RIDE,
      })
      expect(wrong.statusCode).toBe(401)
      expect(wrong.body).not.toContain('a-token-of')
      const right = await guarded.inject({
        method: 'POST',
        url: '/predict',
        headers: { authorization: 'Bearer a-token-of-at-least-thirty-two-characters' },
        payload: RIDE,
      })
      expect(right.statusCode).toBe(200)
    } finally {
      await guarded.close()
    }
  })

  it('over a real socket: bad input gets clear errors, a flood is bounded and /health still answers', async () => {
    const bounded = buildApp({ maxPendingLogRows: 20 })
    const base = await bounded.listen({ port: 0, host: '127.0.0.1' })
    try {
      const malformed = await fetch(`${base}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[{',
      })
      expect(malformed.status).toBe(400)
      const unknown = await fetch(`${base}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...RIDE, surprise: true }),
      })
      expect(unknown.status).toBe(400)
      expect(((await unknown.json()) as { field: string }).field).toBe('/surprise')
      const huge = await fetch(`${base}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(3 * 1024 * 1024),
      }).then(
        (response) => response.status,
        // The server may close the socket before the client has sent all 3 MiB.
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      )
      expect([413, 'fetch failed']).toContain(huge)

      const flood = await Promise.all(
        Array.from({ length: 1500 }, (_, i) =>
          fetch(`${base}/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(i % 10 === 0 ? { nonsense: i } : [RIDE, RIDE, RIDE]),
          }).then(async (response) => ({ status: response.status, body: await response.text() })),
        ),
      )
      const statuses = new Set(flood.map((answer) => answer.status))
      for (const status of statuses) expect([200, 400, 503]).toContain(status)
      expect(flood.filter((answer) => answer.status === 200).length).toBeGreaterThan(0)
      for (const answer of flood.filter((a) => a.status === 503))
        expect(answer.body).toMatch(/overloaded/)
      const health = await fetch(`${base}/health`)
      expect(health.status).toBe(200)
    } finally {
      await bounded.close()
    }
  })
})
