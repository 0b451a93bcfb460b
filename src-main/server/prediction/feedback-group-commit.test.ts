import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePool } from '../../adapters/postgres/pool'
import { createPool } from '../../adapters/postgres/pool'
import type { FeedbackOutcome } from '../../adapters/postgres/prediction-log-repository'
import { PredictionFeedbackWriter } from '../../adapters/postgres/prediction-feedback-writer'
import { PredictionLogWriter } from '../../adapters/postgres/prediction-log-writer'
import { runMigrations } from '../../adapters/postgres/run-migrations'
import { PredictionService } from '../../services/serving/prediction-service'
import { courseServedProject } from '../../services/serving/served-project'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import { buildPredictionServer } from './build-prediction-server'

const RIDE = {
  lpep_pickup_datetime: '2022-02-01T00:05:12',
  PULocationID: 74,
  DOLocationID: 75,
  passenger_count: 1,
  trip_distance: 2.1,
  fare_amount: 9.5,
  total_amount: 12.3,
}

/** Polls `condition` every 10 ms until it holds (generous limit: the machine may be busy). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('POST /feedback is group-committed (real PostgreSQL)', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let logWriter: PredictionLogWriter
  let feedbackWriter: PredictionFeedbackWriter
  let app: FastifyInstance

  beforeAll(async () => {
    postgres = await startTestPostgres()
    pool = createPool(postgres.url, { max: 6 })
    await runMigrations(pool)
    logWriter = new PredictionLogWriter(pool)
    feedbackWriter = new PredictionFeedbackWriter(pool)
    const service = new PredictionService({
      project: courseServedProject(null),
      log: logWriter,
      // As `serve` wires it.
      storeFeedback: async (requestId, actual) =>
        (await feedbackWriter.store([{ requestId, actual }]))[0] as FeedbackOutcome,
      storeFeedbackBatch: (items) => feedbackWriter.store(items),
    })
    app = buildPredictionServer({
      service,
      checkDatabase: async () => {
        await pool.query('SELECT 1')
      },
      pendingLogRows: () => logWriter.pendingRows,
    })
  })

  afterAll(async () => {
    await app?.close()
    await feedbackWriter?.close()
    await logWriter?.close()
    await pool?.end()
    await postgres?.stop()
  })

  /** Logs `n` rides through /log and returns their request ids. */
  async function logRides(n: number): Promise<string[]> {
    const logged = await app.inject({
      method: 'POST',
      url: '/log',
      payload: Array.from({ length: n }, (_, k) => ({ ...RIDE, prediction: k })),
    })
    expect(logged.statusCode, logged.body).toBe(200)
    return (logged.json().logged as { requestId: string }[]).map((row) => row.requestId)
  }

  /**
   * Holds a lock that blocks every INSERT into prediction_feedback until `release()`, so the requests
   * sent meanwhile are all waiting at once, whatever the machine's speed (no timing in the test).
   */
  async function blockFeedbackInserts(): Promise<{ release(): Promise<void> }> {
    const client: pg.PoolClient = await pool.connect()
    await client.query('BEGIN')
    await client.query('LOCK TABLE prediction_feedback IN SHARE ROW EXCLUSIVE MODE')
    return {
      release: async () => {
        await client.query('COMMIT')
        client.release()
      },
    }
  }

  it('stores 200 concurrent feedback posts in a few transactions, each answered after its commit; unknown ids still get their 404', async () => {
    const ids = await logRides(180)
    const unknown = Array.from(
      { length: 20 },
      (_, k) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
    )
    const lock = await blockFeedbackInserts()
    const posts = [...ids, ...unknown].map((requestId, k) =>
      app.inject({
        method: 'POST',
        url: '/feedback',
        payload: { requestId, actual: 100 + k },
      }),
    )
    // Every post has reached the writer (the first statements wait on the lock, the rest queue).
    await until(() => feedbackWriter.pendingItems === posts.length, 'all feedback posts to queue')
    await lock.release()
    const answers = await Promise.all(posts)

    for (const [k, answer] of answers.entries()) {
      if (k < ids.length) {
        expect(answer.statusCode, answer.body).toBe(200)
        expect(answer.json()).toEqual({ requestId: ids[k], stored: 'stored' })
      } else {
        expect(answer.statusCode, answer.body).toBe(404)
        expect(answer.json()).toMatchObject({
          statusCode: 404,
          field: '/requestId',
          message: `No prediction with requestId ${unknown[k - ids.length]} is in the log; send the requestId a /predict or /log answer gave.`,
        })
      }
    }
    // Rows written by one transaction share its xmin: the number of distinct xmins is the number of
    // transactions that stored the 180 feedbacks (180 before group commit).
    const stored = await pool.query<{ rows: number; transactions: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT xmin::text)::int AS transactions
         FROM prediction_feedback WHERE request_id = ANY($1::uuid[])`,
      [ids],
    )
    expect(stored.rows[0]?.rows).toBe(180)
    // Two statements were already waiting on the lock with one post each; the rest went in one.
    expect(stored.rows[0]?.transactions).toBeLessThanOrEqual(3)
    const values = await pool.query<{ request_id: string; duration_min: number }>(
      'SELECT request_id, duration_min FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
      [ids],
    )
    const byId = new Map(values.rows.map((row) => [row.request_id, row.duration_min]))
    for (const [k, id] of ids.entries()) expect(byId.get(id)).toBe(100 + k)
  })

  it('two queued feedbacks for one request id are applied in arrival order: the later one is kept', async () => {
    const [id, other] = (await logRides(2)) as [string, string]
    const lock = await blockFeedbackInserts()
    const posts = [
      { requestId: id, actual: 1 },
      { requestId: other, actual: 5 },
      { requestId: id.toUpperCase(), actual: 2 },
      [
        { requestId: other, actual: 6 },
        { requestId: id, actual: 3 },
      ],
    ].map((payload) => app.inject({ method: 'POST', url: '/feedback', payload }))
    await until(() => feedbackWriter.pendingItems === 5, 'all feedback posts to queue')
    await lock.release()
    const answers = await Promise.all(posts)
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200])
    expect(answers[2]?.json()).toMatchObject({ stored: 'replaced' })
    const stored = await pool.query<{
      request_id: string
      duration_min: number
      revisions: number
    }>(
      'SELECT request_id, duration_min, revisions FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
      [[id, other]],
    )
    const byId = new Map(stored.rows.map((row) => [row.request_id, row]))
    expect(byId.get(id)).toMatchObject({ duration_min: 3, revisions: 3 })
    expect(byId.get(other)).toMatchObject({ duration_min: 6, revisions: 2 })
  })

  it('10 concurrent feedbacks for one request id do not hold up another id: it is written while they wait their turn, and the last of the 10 is kept', async () => {
    const [hot, other] = (await logRides(2)) as [string, string]
    const initial = await app.inject({
      method: 'POST',
      url: '/feedback',
      payload: { requestId: hot, actual: 0 },
    })
    expect(initial.statusCode, initial.body).toBe(200)
    // Lock the hot feedback row: the statement carrying the first of the ten waits on it (a slow
    // commit, whatever the machine's speed), the other nine wait for that statement.
    const client: pg.PoolClient = await pool.connect()
    await client.query('BEGIN')
    await client.query('SELECT 1 FROM prediction_feedback WHERE request_id = $1 FOR UPDATE', [hot])
    let repeated: Promise<LightMyRequestResponse>[] = []
    try {
      repeated = Array.from({ length: 10 }, (_, k) =>
        app.inject({
          method: 'POST',
          url: '/feedback',
          payload: { requestId: hot, actual: k + 1 },
        }),
      )
      await until(() => feedbackWriter.pendingItems === 10, 'the ten feedbacks to queue')
      let otherAnswer: LightMyRequestResponse | undefined
      void app
        .inject({ method: 'POST', url: '/feedback', payload: { requestId: other, actual: 42 } })
        .then((answer) => {
          otherAnswer = answer
        })
      // Answered while the row lock holds all ten: none of them has committed yet.
      await until(() => otherAnswer !== undefined, "the other id's feedback to be answered")
      expect(otherAnswer?.statusCode, otherAnswer?.body).toBe(200)
      expect(feedbackWriter.pendingItems).toBe(10)
      const held = await pool.query(
        'SELECT revisions FROM prediction_feedback WHERE request_id = $1',
        [hot],
      )
      expect(held.rows).toEqual([{ revisions: 1 }])
    } finally {
      // Released even when an expectation failed, so the next statements (and afterAll) can finish.
      await client.query('COMMIT')
      client.release()
    }
    const answers = await Promise.all(repeated)
    for (const answer of answers)
      expect(answer.json()).toEqual({ requestId: hot, stored: 'replaced' })
    const stored = await pool.query<{
      request_id: string
      duration_min: number
      revisions: number
    }>(
      'SELECT request_id, duration_min, revisions FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
      [[hot, other]],
    )
    const byId = new Map(stored.rows.map((row) => [row.request_id, row]))
    // Applied in arrival order: the tenth (10) is the one kept, after ten replacements.
    expect(byId.get(hot)).toMatchObject({ duration_min: 10, revisions: 11 })
    expect(byId.get(other)).toMatchObject({ duration_min: 42, revisions: 1 })
  })

  it('a feedback after close() is refused with a 503 saying the service is shutting down', async () => {
    const writer = new PredictionFeedbackWriter(pool)
    await writer.close()
    await expect(
      writer.store([{ requestId: '00000000-0000-4000-8000-000000000001', actual: 1 }]),
    ).rejects.toThrow(/closed \(the service is shutting down\)/)
  })
})
