import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePool } from '../../adapters/postgres/pool'
import { createPool } from '../../adapters/postgres/pool'
import type { FeedbackOutcome } from '../../adapters/postgres/prediction-log-repository'
import { PredictionFeedbackWriter } from '../../adapters/postgres/prediction-feedback-writer'
import { PredictionLogWriter } from '../../adapters/postgres/prediction-log-writer'
import { runMigrations } from '../../adapters/postgres/run-migrations'
import { resolveProject } from '../../services/projects/resolve-project'
import { PredictionService } from '../../services/serving/prediction-service'
import type { ServedProject } from '../../services/serving/served-project'
import { courseServedProject, ownServedProject } from '../../services/serving/served-project'
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
  prediction: 10,
}

/** Polls `condition` every 10 ms until it holds (generous limit: the machine may be busy). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * Requests group-committed with one that carries a value PostgreSQL refuses: the group commit must fail
 * that one request alone (a 400: its own input), and store the others.
 */
describe('a value PostgreSQL refuses fails only the request that carried it (real PostgreSQL)', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let logWriter: PredictionLogWriter
  let feedbackWriter: PredictionFeedbackWriter
  let app: FastifyInstance
  /** A classifier project of the learner's own (a timestamp column `ts`, a string label `churned`). */
  let ownApp: FastifyInstance
  let folder: string

  function buildApp(project: ServedProject): FastifyInstance {
    const service = new PredictionService({
      project,
      log: logWriter,
      // As `serve` wires it.
      storeFeedback: async (requestId, actual) =>
        (await feedbackWriter.store([{ requestId, actual }]))[0] as FeedbackOutcome,
      storeFeedbackBatch: (items) => feedbackWriter.store(items),
    })
    return buildPredictionServer({
      service,
      checkDatabase: async () => {
        await pool.query('SELECT 1')
      },
      pendingLogRows: () => logWriter.pendingRows,
    })
  }

  beforeAll(async () => {
    postgres = await startTestPostgres()
    pool = createPool(postgres.url, { max: 6 })
    await runMigrations(pool)
    logWriter = new PredictionLogWriter(pool)
    feedbackWriter = new PredictionFeedbackWriter(pool)
    app = buildApp(courseServedProject(null))
    folder = await mkdtemp(join(tmpdir(), 'driftdesk-refused-values-'))
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
    ownApp = buildApp(await ownServedProject(resolved))
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await ownApp?.close()
    await feedbackWriter?.close()
    await logWriter?.close()
    await pool?.end()
    await postgres?.stop()
    if (folder !== undefined) await rm(folder, { recursive: true, force: true })
  })

  async function loggedRows(): Promise<number> {
    const counted = await pool.query<{ rows: number }>(
      'SELECT count(*)::int AS rows FROM prediction_log',
    )
    return counted.rows[0]?.rows ?? -1
  }

  describe('at the door: a value PostgreSQL would refuse is a 400 naming the field, and nothing is stored', () => {
    it("/log refuses a timestamp that names no real moment (February 30th, 25 o'clock, year 0000)", async () => {
      const before = await loggedRows()
      const cases = [
        [app, { ...RIDE, lpep_pickup_datetime: '2022-02-30T00:05:12' }, '/lpep_pickup_datetime'],
        [app, { ...RIDE, lpep_pickup_datetime: '2022-02-01 25:00:00' }, '/lpep_pickup_datetime'],
        [
          app,
          [RIDE, { ...RIDE, lpep_dropoff_datetime: '2023-02-29T10:00:00' }],
          '/1/lpep_dropoff_datetime',
        ],
        [ownApp, { ts: '2024-02-01T25:00', score: 0.4 }, '/ts'],
        [ownApp, { ts: '2024-04-31', score: 0.4 }, '/ts'],
        [ownApp, { ts: '0000-01-01 00:00:00', score: 0.4 }, '/ts'],
        [ownApp, { ts: '2024-02-01T10:61:00', score: 0.4 }, '/ts'],
      ] as const
      for (const [to, payload, field] of cases) {
        const answer = await to.inject({ method: 'POST', url: '/log', payload: payload as object })
        expect(answer.statusCode, answer.body).toBe(400)
        const name = field.split('/').at(-1) as string
        expect(answer.json()).toMatchObject({
          statusCode: 400,
          field,
          message: expect.stringMatching(
            new RegExp(
              `^(Ride 1 of the batch: )?Field '${name}' must be a local time like '2022-02-01T00:05:12'( \\(at most 6 decimals of a second\\))? or null; got the string ".*", which is no real date and time \\(check the day exists in that month, hours 00-23, minutes and seconds 00-59, the year from 0001\\)\\.$`,
            ),
          ),
        })
      }
      // Real moments still pass: February 29th of a leap year, the last second of a day, a fraction.
      for (const [to, payload] of [
        [app, { ...RIDE, lpep_pickup_datetime: '2024-02-29 23:59:59.999999' }],
        [ownApp, { ts: '2024-02-29T23:59', score: 0.4 }],
        [ownApp, { ts: '0001-01-01', score: 0.4 }],
      ] as const) {
        const answer = await to.inject({ method: 'POST', url: '/log', payload })
        expect(answer.statusCode, answer.body).toBe(200)
      }
      expect(await loggedRows()).toBe(before + 3)
    })

    it('/log and /feedback refuse a string holding U+0000 or a lone surrogate, naming the field', async () => {
      const [requestId, other] = (await Promise.all(
        [0, 1].map(async () => {
          const answer = await ownApp.inject({
            method: 'POST',
            url: '/log',
            payload: { age: 30, score: 0.4 },
          })
          return answer.json().requestId as string
        }),
      )) as [string, string]
      const before = await loggedRows()
      const nul =
        /^(Ride 1 of the batch: |Feedback 1 of the batch: )?Field '(plan|actual)' holds the character U\+0000 \(NUL\), which the database cannot store; remove it from the value\.$/
      const lone = (code: string): RegExp =>
        new RegExp(
          `^(Ride 1 of the batch: |Feedback 1 of the batch: )?Field '(plan|actual)' holds a lone UTF-16 surrogate \\(\\\\u${code} without its pair\\), which is not Unicode text and the database cannot store; send the value as valid Unicode\\.$`,
        )
      const cases = [
        ['/log', { plan: 'pro\u0000', score: 0.4 }, '/plan', nul],
        ['/log', [{ score: 0.1 }, { plan: 'a\ud800b', score: 0.4 }], '/1/plan', lone('d800')],
        ['/log', { plan: '\udc00', score: 0.4 }, '/plan', lone('dc00')],
        ['/feedback', { requestId, actual: 'n\u0000o' }, '/actual', nul],
        ['/feedback', { requestId, actual: 'yes\ud83d' }, '/actual', lone('d83d')],
        [
          '/feedback',
          [
            { requestId, actual: 'yes' },
            { requestId: other, actual: '\u0000' },
          ],
          '/1/actual',
          nul,
        ],
      ] as const
      for (const [url, payload, field, message] of cases) {
        const answer = await ownApp.inject({ method: 'POST', url, payload: payload as object })
        expect(answer.statusCode, answer.body).toBe(400)
        expect(answer.json()).toMatchObject({ statusCode: 400, field })
        expect(answer.json().message).toMatch(message)
      }
      expect(await loggedRows()).toBe(before)
      const feedback = await pool.query(
        'SELECT 1 FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
        [[requestId, other]],
      )
      expect(feedback.rows).toEqual([])
      // Text with a surrogate pair (an emoji) is valid Unicode and is stored as sent.
      const emoji = await ownApp.inject({
        method: 'POST',
        url: '/feedback',
        payload: { requestId, actual: 'yes \ud83d\ude00' },
      })
      expect(emoji.statusCode, emoji.body).toBe(200)
      const stored = await pool.query(
        'SELECT actual FROM prediction_feedback WHERE request_id = $1',
        [requestId],
      )
      expect(stored.rows).toEqual([{ actual: 'yes \u{1F600}' }])
    })
  })

  /**
   * Holds a lock that blocks every write to `table` until `release()`: the first two statements (both
   * slots) wait on it and what is sent meanwhile gathers into the next statement, whatever the
   * machine's speed.
   */
  async function holdTable(table: string): Promise<{ release(): Promise<void> }> {
    const client = await pool.connect()
    await client.query('BEGIN')
    await client.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`)
    return {
      release: async () => {
        await client.query('COMMIT')
        client.release()
      },
    }
  }

  async function logRides(n: number): Promise<string[]> {
    const logged = await app.inject({
      method: 'POST',
      url: '/log',
      payload: Array.from({ length: n }, () => RIDE),
    })
    expect(logged.statusCode, logged.body).toBe(200)
    return (logged.json().logged as { requestId: string }[]).map((row) => row.requestId)
  }

  it('feedback writer: a string actual holding U+0000 (22P05) fails alone; the feedbacks group-committed with it are stored', async () => {
    const ids = await logRides(6)
    const lock = await holdTable('prediction_feedback')
    const first = [
      feedbackWriter.store([{ requestId: ids[0] as string, actual: 'yes' }]),
      feedbackWriter.store([{ requestId: ids[1] as string, actual: 'yes' }]),
    ]
    await until(() => feedbackWriter.pendingItems === 2, 'both slots to be busy')
    const actuals = ['no', 'n\u0000o', 'maybe', 'yes']
    const gathered = actuals.map((actual, k) =>
      feedbackWriter.store([{ requestId: ids[2 + k] as string, actual }]).then(
        (outcomes) => outcomes,
        (error: unknown) => error,
      ),
    )
    await until(() => feedbackWriter.pendingItems === 6, 'the four feedbacks to queue')
    await lock.release()
    await Promise.all(first)
    const outcomes = await Promise.all(gathered)
    expect(outcomes[0]).toEqual(['stored'])
    expect(outcomes[1]).toMatchObject({ code: '22P05' })
    expect(outcomes[2]).toEqual(['stored'])
    expect(outcomes[3]).toEqual(['stored'])
    const stored = await pool.query<{ request_id: string; actual: unknown }>(
      'SELECT request_id, actual FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
      [ids],
    )
    const byId = new Map(stored.rows.map((row) => [row.request_id, row.actual]))
    expect(byId.size).toBe(5)
    expect(byId.get(ids[2] as string)).toBe('no')
    expect(byId.has(ids[3] as string)).toBe(false)
    expect(byId.get(ids[4] as string)).toBe('maybe')
    expect(feedbackWriter.pendingItems).toBe(0)
  })

  describe('a rule of the database the request schema does not know (a trigger raising a data error)', () => {
    beforeAll(async () => {
      // A user's own PostgreSQL may refuse values the service's schema accepts (a trigger, a domain);
      // here a trigger refuses one model version and one feedback value with SQLSTATE 22023.
      const refuseWhen = (table: string, condition: string): string => `
        CREATE FUNCTION test_refuse_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF ${condition} THEN
            RAISE EXCEPTION 'the value is refused by a test trigger' USING ERRCODE = '22023';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER test_refuse BEFORE INSERT ON ${table}
          FOR EACH ROW EXECUTE FUNCTION test_refuse_${table}();`
      await pool.query(
        refuseWhen('prediction_log', "NEW.model_version = 'refused-by-the-database'"),
      )
      await pool.query(refuseWhen('prediction_feedback', 'NEW.duration_min = 666'))
    })

    const expectRefused = (answer: LightMyRequestResponse): void => {
      expect(answer.statusCode, answer.body).toBe(400)
      expect(answer.json()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message:
          'The database refused a value in this request (the value is refused by a test trigger); nothing of this request was logged or stored. Correct the value and send the request again.',
      })
    }

    it('/log: the refused request gets a 400 of its own; the requests group-committed with it get 200 and are stored', async () => {
      const lock = await holdTable('prediction_log')
      const post = (modelVersion: string) =>
        app.inject({
          method: 'POST',
          url: '/log',
          headers: { 'x-model-version': modelVersion },
          payload: RIDE,
        })
      const first = [post('first'), post('first')]
      await until(() => logWriter.pendingRows === 2, 'both slots to be busy')
      const gathered = [post('a'), post('refused-by-the-database'), post('c'), post('d')]
      await until(() => logWriter.pendingRows === 6, 'the four rides to queue')
      await lock.release()
      const answers = await Promise.all([...first, ...gathered])
      for (const k of [0, 1, 2, 4, 5]) expect(answers[k]?.statusCode, answers[k]?.body).toBe(200)
      expectRefused(answers[3] as LightMyRequestResponse)
      const logged = await pool.query<{ model_version: string; rows: number }>(
        `SELECT model_version, count(*)::int AS rows FROM prediction_log
          WHERE model_version IN ('first', 'a', 'c', 'd', 'refused-by-the-database')
          GROUP BY model_version ORDER BY model_version`,
      )
      expect(logged.rows).toEqual([
        { model_version: 'a', rows: 1 },
        { model_version: 'c', rows: 1 },
        { model_version: 'd', rows: 1 },
        { model_version: 'first', rows: 2 },
      ])
    })

    it('/feedback: the refused feedback gets a 400 of its own; the feedbacks group-committed with it get 200 and are stored', async () => {
      const ids = await logRides(6)
      const lock = await holdTable('prediction_feedback')
      const post = (k: number, actual: number) =>
        app.inject({ method: 'POST', url: '/feedback', payload: { requestId: ids[k], actual } })
      const first = [post(0, 1), post(1, 2)]
      await until(() => feedbackWriter.pendingItems === 2, 'both slots to be busy')
      const gathered = [post(2, 3), post(3, 666), post(4, 5), post(5, 6)]
      await until(() => feedbackWriter.pendingItems === 6, 'the four feedbacks to queue')
      await lock.release()
      const answers = await Promise.all([...first, ...gathered])
      for (const k of [0, 1, 2, 4, 5]) {
        expect(answers[k]?.statusCode, answers[k]?.body).toBe(200)
        expect(answers[k]?.json()).toEqual({ requestId: ids[k], stored: 'stored' })
      }
      expectRefused(answers[3] as LightMyRequestResponse)
      const stored = await pool.query<{ request_id: string; duration_min: number }>(
        'SELECT request_id, duration_min FROM prediction_feedback WHERE request_id = ANY($1::uuid[])',
        [ids],
      )
      const byId = new Map(stored.rows.map((row) => [row.request_id, row.duration_min]))
      expect([...byId.keys()].sort()).toEqual([0, 1, 2, 4, 5].map((k) => ids[k]).sort())
      for (const [k, actual] of [1, 2, 3, 666, 5, 6].entries()) {
        if (k !== 3) expect(byId.get(ids[k] as string)).toBe(actual)
      }
    })
  })
})
