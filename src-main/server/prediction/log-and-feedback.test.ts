import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePool } from '../../adapters/postgres/pool'
import { createPool } from '../../adapters/postgres/pool'
import {
  readLoggedPredictions,
  storePredictionFeedback,
  storePredictionFeedbackBatch,
} from '../../adapters/postgres/prediction-log-repository'
import { PredictionLogWriter } from '../../adapters/postgres/prediction-log-writer'
import { runMigrations } from '../../adapters/postgres/run-migrations'
import {
  listServiceHealth,
  saveServiceHealthWindow,
} from '../../adapters/postgres/service-health-repository'
import { resolveProject } from '../../services/projects/resolve-project'
import { PredictionService } from '../../services/serving/prediction-service'
import type { ServedProject } from '../../services/serving/served-project'
import { courseServedProject, ownServedProject } from '../../services/serving/served-project'
import { ServiceHealthRecorder } from '../../services/serving/service-health-recorder'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import { buildPredictionServer } from './build-prediction-server'

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

describe('POST /log, POST /feedback and service health (real PostgreSQL)', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let writer: PredictionLogWriter
  let folder: string
  let ownProject: ServedProject
  let clock: number
  const apps: FastifyInstance[] = []

  function buildApp(project: ServedProject, health?: ServiceHealthRecorder): FastifyInstance {
    const service = new PredictionService({
      project,
      log: writer,
      storeFeedback: (id, actual) => storePredictionFeedback(pool, id, actual),
      storeFeedbackBatch: (items) => storePredictionFeedbackBatch(pool, items),
    })
    const app = buildPredictionServer({
      service,
      checkDatabase: async () => {
        await pool.query('SELECT 1')
      },
      pendingLogRows: () => writer.pendingRows,
      ...(health === undefined ? {} : { health }),
    })
    apps.push(app)
    return app
  }

  beforeAll(async () => {
    postgres = await startTestPostgres()
    pool = createPool(postgres.url)
    await runMigrations(pool)
    writer = new PredictionLogWriter(pool)
    folder = await mkdtemp(join(tmpdir(), 'driftdesk-log-test-'))
    await writeFile(
      join(folder, 'reference.csv'),
      'ts,age,plan,churned,score\n2024-01-01 10:00:00,31,basic,no,0.2\n2024-01-02 11:00:00,45,pro,yes,0.8\n',
    )
    await writeFile(
      join(folder, 'churn.yaml'),
      'name: churn\nreference: reference.csv\ncurrent: reference.csv\nmapping:\n  target: churned\n  prediction: score\nwindow:\n  column: ts\n  every: 1d\n',
    )
    const resolved = await resolveProject(join(folder, 'churn.yaml'), async () => pool)
    if (resolved.kind !== 'own') throw new Error('expected an own project')
    ownProject = await ownServedProject(resolved)
  })

  afterAll(async () => {
    for (const app of apps) await app.close()
    await writer?.close()
    await pool?.end()
    await postgres?.stop()
    if (folder !== undefined) await rm(folder, { recursive: true, force: true })
  })

  it('a project without a model: /predict is a 409 pointing at /log; /log logs rows with their prediction, project and event time', async () => {
    const app = buildApp(ownProject)
    const predict = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: { ts: '2024-02-01 09:00:00', age: 30, plan: 'pro' },
    })
    expect(predict.statusCode).toBe(409)
    expect(predict.json().message).toMatch(/Project 'churn' has no model .* POST \/log/)

    const one = await app.inject({
      method: 'POST',
      url: '/log',
      headers: { 'x-model-version': 'churn-v7' },
      payload: { ts: '2024-02-01 09:00:00', age: 30, plan: 'pro', score: 0.4 },
    })
    expect(one.statusCode, one.body).toBe(200)
    expect(one.json()).toMatchObject({ modelVersion: 'churn-v7' })
    const batch = await app.inject({
      method: 'POST',
      url: '/log',
      payload: [
        { ts: null, age: null, plan: 'basic', score: 0.9 },
        { age: 51, score: 0.1 },
      ],
    })
    expect(batch.statusCode, batch.body).toBe(200)
    const ids = [
      one.json().requestId,
      ...batch.json().logged.map((l: { requestId: string }) => l.requestId),
    ]
    const logged = await readLoggedPredictions(pool, ids)
    const byId = new Map(logged.map((row) => [row.requestId, row]))
    const first = byId.get(ids[0])!
    expect(first).toMatchObject({
      project: 'churn',
      eventTime: '2024-02-01 09:00:00',
      prediction: 0.4,
      modelVersion: 'churn-v7',
      record: { ts: '2024-02-01 09:00:00', age: 30, plan: 'pro' },
    })
    // No event time in the row: the receive time (UTC) stands in.
    expect(byId.get(ids[1])!.eventTime).not.toBeNull()
    expect(byId.get(ids[1])!.missingFields).toEqual(['age', 'ts'])
    expect(byId.get(ids[2])!.modelVersion).toBe('external')
  })

  it('/log refuses an unknown field, a wrong type and a missing prediction, naming the field', async () => {
    const app = buildApp(ownProject)
    const cases = [
      [
        { age: 30, score: 0.4, colour: 'red' },
        '/colour',
        /Unknown field 'colour'.*ts, age, plan, churned, score/,
      ],
      [{ age: 'thirty', score: 0.4 }, '/age', /Field 'age' must be an integer or null/],
      [{ age: 30 }, '/score', /Missing field 'score'/],
      [{ age: 30, score: 'high' }, '/score', /must be a number \(the prediction your model made/],
      [
        [
          { age: 30, score: 0.1 },
          { age: 30, plan: 3, score: 0.1 },
        ],
        '/1/plan',
        /Ride 1 of the batch/,
      ],
    ] as const
    for (const [payload, field, message] of cases) {
      const answer = await app.inject({ method: 'POST', url: '/log', payload: payload as object })
      expect(answer.statusCode, JSON.stringify(payload)).toBe(400)
      expect(answer.json().field).toBe(field)
      expect(answer.json().message).toMatch(message)
    }
  })

  it('/log and /feedback: malformed JSON and a non-object body are 400s, a huge body a 413, too many rows a 400', async () => {
    const app = buildApp(ownProject)
    for (const url of ['/log', '/feedback']) {
      const malformed = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '[{"age": 3,',
      })
      expect(malformed.statusCode).toBe(400)
      expect(malformed.json().message).toMatch(/not valid JSON/)
      const huge = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: `[${'{"age":1,"score":0.5},'.repeat(60_000)}{"age":1,"score":0.5}]`,
      })
      expect(huge.statusCode).toBe(413)
      const scalar = await app.inject({
        method: 'POST',
        url,
        payload: '42',
        headers: { 'content-type': 'application/json' },
      })
      expect(scalar.statusCode).toBe(400)
    }
    const tooMany = await app.inject({
      method: 'POST',
      url: '/log',
      payload: Array.from({ length: 1001 }, () => ({ score: 1 })),
    })
    expect(tooMany.statusCode).toBe(400)
    expect(tooMany.json().message).toMatch(/at most 1000/)
    // Still up.
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
  })

  it('the taxi project takes /log rows too, and feedback as actual or durationMin; a second one replaces the first', async () => {
    const app = buildApp(courseServedProject(null))
    const logged = await app.inject({
      method: 'POST',
      url: '/log',
      payload: { ...RIDE, prediction: 11.5 },
    })
    expect(logged.statusCode, logged.body).toBe(200)
    const requestId = logged.json().requestId as string
    const [row] = await readLoggedPredictions(pool, [requestId])
    expect(row).toMatchObject({
      project: 'nyc-taxi',
      eventTime: '2022-02-01 00:05:12',
      prediction: 11.5,
    })

    const first = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, durationMin: 12 },
    })
    expect(first.json()).toEqual({ requestId, stored: 'stored' })
    const second = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, actual: 13.25 },
    })
    expect(second.json()).toEqual({ requestId, stored: 'replaced' })
    const stored = await pool.query(
      'SELECT duration_min, actual, revisions, first_received_at <= received_at AS ordered FROM prediction_feedback WHERE request_id = $1',
      [requestId],
    )
    expect(stored.rows).toEqual([
      { duration_min: 13.25, actual: 13.25, revisions: 2, ordered: true },
    ])

    const unknown = '00000000-0000-4000-8000-000000000099'
    const missing = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId: unknown, actual: 3 },
    })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ field: '/requestId' })
    expect(missing.json().message).toContain(unknown)
    const noValue = await app.inject({ method: 'POST', url: '/feedback', payload: { requestId } })
    expect(noValue.statusCode).toBe(400)
    expect(noValue.json().field).toBe('/actual')
    const wrongType = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, actual: 'long' },
    })
    expect(wrongType.statusCode).toBe(400)
    expect(wrongType.json().message).toMatch(/Field 'actual' must be a number/)
  })

  it('/feedback takes a batch: one 200 with a result per item, an unknown id reported for its item alone; a bad batch is a 400 naming the item and stores nothing', async () => {
    const app = buildApp(courseServedProject(null))
    const logged = await app.inject({
      method: 'POST',
      url: '/log',
      payload: [0, 1, 2].map((k) => ({ ...RIDE, prediction: 10 + k })),
    })
    expect(logged.statusCode, logged.body).toBe(200)
    const ids = (logged.json().logged as { requestId: string }[]).map((row) => row.requestId)
    const unknown = '00000000-0000-4000-8000-0000000000aa'
    const count = async (): Promise<number> =>
      (
        await pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
          [ids],
        )
      ).rows[0]!.n

    const refused = [
      { payload: [], field: '', message: /batch is empty/ },
      {
        payload: [
          { requestId: ids[0], actual: 1 },
          { requestId: ids[0], actual: 2 },
        ],
        field: '/1/requestId',
        message: /repeats the requestId of feedback 0/,
      },
      {
        payload: [{ requestId: ids[0], actual: 1 }, { requestId: ids[1] }],
        field: '/1/actual',
        message: /^Feedback 1 of the batch: Missing field 'actual'/,
      },
      {
        payload: [{ requestId: ids[0], actual: 'long' }],
        field: '/0/actual',
        message: /^Feedback 0 of the batch: Field 'actual' must be a number/,
      },
      {
        payload: [{ requestId: 'nope', actual: 1 }],
        field: '/0/requestId',
        message: /Feedback 0 of the batch/,
      },
      {
        payload: Array.from({ length: 1001 }, () => ({ requestId: ids[0], actual: 1 })),
        field: '',
        message: /at most 1000/,
      },
    ]
    for (const { payload, field, message } of refused) {
      const answer = await app.inject({ method: 'POST', url: '/feedback', payload })
      expect(answer.statusCode, JSON.stringify(payload).slice(0, 200)).toBe(400)
      expect(answer.json().field).toBe(field)
      expect(answer.json().message).toMatch(message)
    }
    expect(await count()).toBe(0)

    const batch = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: [
        { requestId: ids[0], actual: 5.5 },
        { requestId: unknown, actual: 1 },
        { requestId: ids[1]!.toUpperCase(), durationMin: 7 },
      ],
    })
    expect(batch.statusCode, batch.body).toBe(200)
    expect(batch.json()).toMatchObject({
      stored: 2,
      unknown: 1,
      results: [
        { requestId: ids[0], stored: 'stored' },
        { requestId: unknown, statusCode: 404, error: 'Not Found' },
        { requestId: ids[1]!.toUpperCase(), stored: 'stored' },
      ],
    })
    expect(batch.json().results[1].message).toContain(unknown)
    const again = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: [
        { requestId: ids[2], actual: 3 },
        { requestId: ids[0], actual: 6 },
      ],
    })
    expect(again.json()).toEqual({
      stored: 2,
      unknown: 0,
      results: [
        { requestId: ids[2], stored: 'stored' },
        { requestId: ids[0], stored: 'replaced' },
      ],
    })
    const stored = await pool.query(
      'SELECT request_id::text AS id, duration_min, actual, revisions FROM prediction_feedback WHERE request_id = ANY($1::uuid[]) ORDER BY duration_min',
      [ids],
    )
    expect(stored.rows).toEqual([
      { id: ids[2], duration_min: 3, actual: 3, revisions: 1 },
      { id: ids[0], duration_min: 6, actual: 6, revisions: 2 },
      { id: ids[1], duration_min: 7, actual: 7, revisions: 1 },
    ])
  })

  it('a classifier project takes its label as feedback (duration_min stays null)', async () => {
    const app = buildApp(ownProject)
    const logged = await app.inject({
      method: 'POST',
      url: '/log',
      payload: { age: 30, score: 0.4 },
    })
    const requestId = logged.json().requestId as string
    const answer = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, actual: 'yes' },
    })
    expect(answer.statusCode, answer.body).toBe(200)
    const stored = await pool.query(
      'SELECT duration_min, actual FROM prediction_feedback WHERE request_id = $1',
      [requestId],
    )
    expect(stored.rows).toEqual([{ duration_min: null, actual: 'yes' }])
    const durationMin = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId, durationMin: 3 },
    })
    expect(durationMin.statusCode).toBe(400)
    expect(durationMin.json().field).toBe('/durationMin')
  })

  it('service health: requests, errors and latency quantiles per window, written as windows close and at shutdown', async () => {
    clock = Date.UTC(2026, 0, 1, 12, 0, 10)
    const health = new ServiceHealthRecorder({
      project: 'health-test',
      windowMs: 60_000,
      now: () => clock,
      write: (window) => saveServiceHealthWindow(pool, window),
    })
    const app = buildApp(courseServedProject(null), health)
    for (let i = 0; i < 8; i++)
      await app.inject({ method: 'POST', url: '/log', payload: { ...RIDE, prediction: i } })
    await app.inject({ method: 'POST', url: '/log', payload: { ...RIDE, surprise: 1 } })
    await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: '{not json',
      headers: { 'content-type': 'application/json' },
    })
    await app.inject({ method: 'GET', url: '/health' }) // not counted: monitoring, not traffic
    clock = Date.UTC(2026, 0, 1, 12, 2, 30) // two windows later: 12:00 closes, 12:01 closes empty
    await app.inject({ method: 'POST', url: '/log', payload: { ...RIDE, prediction: 1 } })
    const metrics = await app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/driftdesk_service_health_window_requests 0/)
    clock = Date.UTC(2026, 0, 1, 12, 2, 40)
    await health.close()
    const rows = await listServiceHealth(pool, 'health-test')
    expect(rows.map((row) => [row.timestamp, row.windowEnd, row.requests, row.errors])).toEqual([
      ['2026-01-01 12:00:00', '2026-01-01 12:01:00', 10, 2],
      ['2026-01-01 12:01:00', '2026-01-01 12:02:00', 0, 0],
      ['2026-01-01 12:02:00', '2026-01-01 12:02:40', 1, 0],
    ])
    expect(rows[0]!.errorRate).toBeCloseTo(0.2, 12)
    expect(rows[0]!.latencyP99Ms).toBeGreaterThan(0)
    expect(rows[1]!.errorRate).toBeNull()
  })
})
