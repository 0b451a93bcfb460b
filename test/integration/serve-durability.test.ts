import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { readLoggedPredictions } from '../../src-main/adapters/postgres/prediction-log-repository'
import { loadConfig } from '../../src-main/config/app-config'
import { ensureTrainedModel } from '../../src-main/services/model/model-service'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import type { RunningCli } from '../support/run-cli'
import { startCli } from '../support/run-cli'
import { taxiDataDir } from '../support/taxi-data'

const RIDE = {
  VendorID: 2,
  lpep_pickup_datetime: '2022-02-01T00:05:12',
  PULocationID: 74,
  DOLocationID: 75,
  passenger_count: null,
  trip_distance: 2.1,
  fare_amount: 9.5,
  total_amount: 12.3,
}

/** Polls until `check` returns a value (generous: a loaded machine starts tsx slowly). */
async function waitFor<T>(check: () => T | undefined, what: string, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** One ride or a batch of three; resolves with the answered request ids, or [] when not answered. */
async function predict(base: string, i: number): Promise<string[]> {
  try {
    const response = await fetch(`${base}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(i % 2 === 0 ? RIDE : [RIDE, RIDE, RIDE]),
    })
    if (response.status !== 200) return []
    const body = (await response.json()) as {
      requestId?: string
      predictions?: { requestId: string }[]
    }
    return body.predictions?.map((p) => p.requestId) ?? [body.requestId as string]
  } catch {
    return [] // the connection died with the service: not answered
  }
}

describe('serve: the answered predictions are in the log (a real child process, real signals)', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let home: string

  beforeAll(async () => {
    const [server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    postgres = server
    pool = createPool(postgres.url)
    home = await mkdtemp(join(tmpdir(), 'driftdesk-serve-home-'))
    await ensureTrainedModel(
      loadConfig({}, { homeDir: home }),
      '2022-01',
      join(data.dir, 'green_tripdata_2022-01.parquet'),
    )
  })

  afterAll(async () => {
    await pool?.end()
    await postgres?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  /** Until the service's INSERT into the log waits on a lock (the test holds it). */
  async function waitForLogWriteBlocked(): Promise<void> {
    const deadline = Date.now() + 90_000
    for (;;) {
      const waiting = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = 'driftdesk serve' AND wait_event_type = 'Lock'`,
      )
      if (waiting.rowCount !== 0) return
      if (Date.now() > deadline) throw new Error('The service never tried to write the log.')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Until /health reports `rows` rides waiting for the log (the test holds the log's lock). */
  async function waitForPendingLogRows(base: string, rows: number): Promise<void> {
    const deadline = Date.now() + 90_000
    for (;;) {
      const health = (await (await fetch(`${base}/health`)).json()) as { pendingLogRows: number }
      if (health.pendingLogRows === rows) return
      if (Date.now() > deadline)
        throw new Error(`The service never had ${rows} rows waiting (${health.pendingLogRows}).`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  async function startServe(
    extra: string[] = [],
  ): Promise<{ cli: RunningCli; base: string; stderr: () => string }> {
    const cli = startCli([
      'serve',
      '--home',
      home,
      '--database-url',
      postgres.url,
      '--port',
      '0',
      ...extra,
    ])
    const base = await waitFor(
      () => /Listening on (http:\/\/\S+)/.exec(cli.stdout())?.[1],
      'serve to listen',
    )
    let stderr = ''
    cli.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    return { cli, base, stderr: () => stderr }
  }

  it('SIGKILL right after answering: every answered request id is in prediction_log', async () => {
    const { cli, base } = await startServe()
    const answered: string[] = []
    let killed = false
    const killAfter = 120
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        // An answer that arrives after the kill was still sent by the service: it counts as answered.
        const ids = await predict(base, i)
        answered.push(...ids)
        if (!killed && answered.length >= killAfter) {
          killed = true
          cli.child.kill('SIGKILL')
        }
      }),
    )
    const result = await cli.done
    expect(result.signal).toBe('SIGKILL')
    expect(answered.length).toBeGreaterThanOrEqual(killAfter)
    const logged = await readLoggedPredictions(pool, answered)
    expect(new Set(logged.map((row) => row.requestId))).toEqual(new Set(answered))
    for (const row of logged) expect(row.missingFields).toEqual(['passenger_count'])
  })

  it('answers only after the commit: with the log blocked, SIGKILL leaves no answered prediction unlogged', async () => {
    const { cli, base } = await startServe()
    const before = await predict(base, 1)
    expect(before).toHaveLength(3)
    // Block INSERTs into the log with a table lock, as a stalled disk or a long lock would.
    const blocker = await pool.connect()
    await blocker.query('BEGIN')
    await blocker.query('LOCK TABLE prediction_log IN SHARE ROW EXCLUSIVE MODE')
    const answered = [...before]
    const requests = Array.from({ length: 40 }, (_, i) =>
      predict(base, i).then((ids) => answered.push(...ids)),
    )
    // The service's INSERT is waiting on the lock: the requests have reached the log writer.
    await waitForLogWriteBlocked()
    cli.child.kill('SIGKILL')
    await cli.done
    await Promise.all(requests)
    // The dead service's statements must not commit later: end its sessions, then release the lock.
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'driftdesk serve'`,
    )
    await blocker.query('ROLLBACK')
    blocker.release()
    const logged = await readLoggedPredictions(pool, answered)
    expect(new Set(logged.map((row) => row.requestId))).toEqual(new Set(answered))
    expect(answered).toEqual(before)
  })

  it('SIGTERM: answers the requests in flight, writes the log, closes and exits 0', async () => {
    const { cli, base, stderr } = await startServe()
    // Hold the log's INSERTs so that requests are certainly in flight when SIGTERM arrives.
    const blocker = await pool.connect()
    await blocker.query('BEGIN')
    await blocker.query('LOCK TABLE prediction_log IN SHARE ROW EXCLUSIVE MODE')
    const inFlight = Array.from({ length: 30 }, (_, i) => predict(base, i))
    await waitForLogWriteBlocked()
    // Every request has reached the log writer (15 single rides and 15 batches of 3), not only the first:
    // a request still on its way when SIGTERM arrives is refused, which is not what this test is about.
    await waitForPendingLogRows(base, 60)
    cli.child.kill('SIGTERM')
    await waitFor(() => (/Stopping/.test(stderr()) ? true : undefined), 'serve to start stopping')
    await blocker.query('ROLLBACK')
    blocker.release()
    const answers = await Promise.all(inFlight)
    const result = await cli.done
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/Stopped\./)
    // Every request in flight was answered, and every answer is in the log.
    expect(answers.every((ids) => ids.length > 0)).toBe(true)
    const answered = answers.flat()
    expect(await readLoggedPredictions(pool, answered)).toHaveLength(answered.length)
  })

  it('POST /feedback is group-committed: 120 concurrent posts are stored in far fewer transactions, each answered after its commit; an unknown id is a 404', async () => {
    const { cli, base } = await startServe()
    try {
      const ids: string[] = []
      for (let i = 0; i < 40; i++) ids.push(...(await predict(base, 1)))
      expect(ids).toHaveLength(120)
      const unknown = '00000000-0000-4000-8000-0000000000ff'
      // Hold the feedback INSERTs so that the posts certainly meet in the service's queue.
      const blocker = await pool.connect()
      await blocker.query('BEGIN')
      await blocker.query('LOCK TABLE prediction_feedback IN SHARE ROW EXCLUSIVE MODE')
      const post = (requestId: string, actual: number): Promise<Response> =>
        fetch(`${base}/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ requestId, actual }),
        })
      const posts = [...ids, unknown].map((id, k) => post(id, k + 0.5))
      await waitForLogWriteBlocked()
      await blocker.query('COMMIT')
      blocker.release()
      const answers = await Promise.all(posts)
      expect(answers.slice(0, -1).map((answer) => answer.status)).toEqual(ids.map(() => 200))
      const refused = answers.at(-1) as Response
      expect(refused.status).toBe(404)
      expect(await refused.json()).toMatchObject({
        field: '/requestId',
        message: expect.stringMatching(/^No prediction with requestId 0{8}-0000-4000-8000-0{10}ff/),
      })
      // Rows written by one transaction share its xmin. One statement per post made 120 before.
      const stored = await pool.query<{ rows: number; transactions: number }>(
        `SELECT count(*)::int AS rows, count(DISTINCT xmin::text)::int AS transactions
           FROM prediction_feedback WHERE request_id = ANY($1::uuid[])`,
        [ids],
      )
      expect(stored.rows[0]?.rows).toBe(120)
      expect(stored.rows[0]?.transactions).toBeLessThanOrEqual(30)
    } finally {
      cli.child.kill('SIGKILL')
      await cli.done
    }
  })

  it('beyond loopback it requires a token kept owner-only in the home, and never prints it', async () => {
    const { cli, base } = await startServe(['--host', '0.0.0.0', '--log-level', 'debug'])
    try {
      const tokenFile = join(home, 'secrets', 'serve-token')
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600)
      const { readFile } = await import('node:fs/promises')
      const token = (await readFile(tokenFile, 'utf8')).trim()
      const url = base.replace('0.0.0.0', '127.0.0.1')
      expect((await fetch(`${url}/health`)).status).toBe(401)
      const wrong = await fetch(`${url}/health`, {
        headers: { authorization: 'Bearer wrong-guess' },
      })
      expect(wrong.status).toBe(401)
      const health = await fetch(`${url}/health`, { headers: { authorization: `Bearer ${token}` } })
      expect(health.status).toBe(200)
      cli.child.kill('SIGTERM')
      const result = await cli.done
      expect(result.stderr).toContain(tokenFile)
      expect(result.stdout + result.stderr).not.toContain(token)
      expect(result.stdout + result.stderr).not.toContain('wrong-guess')
    } finally {
      cli.child.kill('SIGKILL')
    }
  })

  it('refuses to start without a trained model, saying which command trains one', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'driftdesk-serve-empty-'))
    try {
      const result = await startCli(['serve', '--home', empty, '--database-url', postgres.url]).done
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(
        /No trained model in .*models; train one first: npm run driftdesk -- train --reference-month 2022-01/,
      )
      const badPort = await startCli(['serve', '--home', empty, '--port', '70000']).done
      expect(badPort.code).toBe(2)
      expect(badPort.stderr).toMatch(
        /--port must be a whole number from 0 to 65535 \(got '70000'\)/,
      )
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })
})
