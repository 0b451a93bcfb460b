import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src-main/config/app-config'
import { ensureTrainedModel } from '../../src-main/services/model/model-service'
import { hasAnswerKeys, isClose, readAnswerTsv } from '../support/answer-keys'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import type { RunningCli } from '../support/run-cli'
import { jsonLines, runCli, startCli } from '../support/run-cli'
import { realTaxiDataDir, taxiDataDir } from '../support/taxi-data'
import type { TripRecordJson } from '../support/trip-poster'
import { postFeedback, readTripRecords } from '../support/trip-poster'

/** Polls until `check` resolves a value (generous: a loaded machine starts tsx slowly). */
async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  ms = 120_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The trip's duration in minutes from its own times, as the course computes it; null if unknown. */
function durationOf(record: TripRecordJson): number | null {
  const pickup = record.lpep_pickup_datetime
  const dropoff = record.lpep_dropoff_datetime
  if (typeof pickup !== 'string' || typeof dropoff !== 'string') return null
  const ns = (Date.parse(`${dropoff}Z`) - Date.parse(`${pickup}Z`)) * 1000 * 1000
  return ns / 1e9 / 60
}

const DRIFT_FIELDS = [
  'rows',
  'prediction_drift',
  'num_drifted_columns',
  'share_missing_values',
  'share_of_drifted_columns',
  'dataset_drift',
] as const

/**
 * Acceptance (issue #12, Consistency): a real `serve` child process on a free port, the real
 * `replay --project nyc-taxi --month 2022-02 --speed max` child process sending it every February 2022
 * trip (whole TLC records, nulls as null, in batches), the collector over its log; for every day the
 * live numbers equal the batch backfill's, and those equal Evidently's answer key (with the shared TLC
 * data; on a fresh clone the synthetic files, live against batch only). Then delayed labels, and a
 * collector SIGKILLed mid-way that resumes with every window exactly once.
 */
describe('collect: live windows from the prediction log equal the batch backfill', () => {
  let server: TestPostgres
  let client: pg.Client
  let home: string
  let data: { dir: string; real: boolean }
  let serve: RunningCli
  let base: string
  let records: TripRecordJson[]
  /** What replay printed (--json) and the ids it wrote to --answered-file. */
  let replayed: { code: number | null; summary: Record<string, unknown>; answeredIds: string[] }
  /** Every logged trip: its request id and the record the service received, in event-time order. */
  let logged: { requestId: string; record: TripRecordJson }[]
  let batch: Map<string, Record<string, unknown>>
  const timings: Record<string, number> = {}

  const common = (): string[] => ['--database-url', server.url, '--home', home]

  async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      return await work()
    } finally {
      timings[name] = Math.round(performance.now() - started)
    }
  }

  async function collect(extra: string[] = []): Promise<Record<string, unknown>[]> {
    const result = await runCli([
      'collect',
      '--project',
      'nyc-taxi',
      '--json',
      ...extra,
      ...common(),
    ])
    expect(result.stderr).toContain('Completed')
    expect(result.code).toBe(0)
    return jsonLines(result.stdout)
  }

  async function liveDays(): Promise<Record<string, unknown>[]> {
    const { rows } = await client.query(
      `SELECT to_char("timestamp", 'YYYY-MM-DD') AS date, rows, prediction_drift, num_drifted_columns,
              share_missing_values, share_of_drifted_columns, dataset_drift, mae, rmse, labelled_rows,
              labelled_share, provisional, computed_at, to_char(window_end, 'YYYY-MM-DD HH24:MI:SS') AS window_end
         FROM daily_metrics WHERE project = 'nyc-taxi' AND source = 'live' ORDER BY "timestamp"`,
    )
    return rows as Record<string, unknown>[]
  }

  beforeAll(async () => {
    ;[server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    home = await mkdtemp(join(tmpdir(), 'driftdesk-collect-home-'))
    client = new pg.Client({ connectionString: server.url })
    await client.connect()
    await ensureTrainedModel(
      loadConfig({}, { homeDir: home }),
      '2022-01',
      join(data.dir, 'green_tripdata_2022-01.parquet'),
    )
    const backfill = await timed('backfill', () =>
      runCli([
        'backfill',
        '--month',
        '2022-02',
        '--json',
        '--workers',
        '2',
        '--data-dir',
        data.dir,
        ...common(),
      ]),
    )
    expect(backfill.code).toBe(0)
    const stored = await runCli(['metrics', '--month', '2022-02', '--json', ...common()])
    expect(stored.code).toBe(0)
    batch = new Map(jsonLines(stored.stdout).map((day) => [day.date as string, day]))
    const { rows } = await client.query(
      `SELECT to_char("timestamp", 'YYYY-MM-DD') AS date, share_of_drifted_columns, dataset_drift
         FROM daily_metrics WHERE source = 'batch'`,
    )
    for (const row of rows) Object.assign(batch.get(row.date as string) ?? {}, row)

    serve = startCli(['serve', '--port', '0', ...common()])
    base = await waitFor(
      () => /Listening on (http:\/\/\S+)/.exec(serve.stdout())?.[1],
      'serve to listen',
    )
    records = await readTripRecords(join(data.dir, 'green_tripdata_2022-02.parquet'))
    // The real replay, as a learner runs it. Its feedback is left out (--feedback-share 0): the
    // delayed-labels test below needs windows without labels first, and posts them itself.
    const answeredFile = join(home, 'answered.txt')
    const replay = await timed('replay', () =>
      runCli([
        'replay',
        '--project',
        'nyc-taxi',
        '--month',
        '2022-02',
        '--speed',
        'max',
        '--feedback-share',
        '0',
        '--url',
        base,
        '--answered-file',
        answeredFile,
        '--json',
        '--data-dir',
        data.dir,
        '--home',
        home,
      ]),
    )
    replayed = {
      code: replay.code,
      summary: jsonLines(replay.stdout)[0] ?? { stderr: replay.stderr.slice(-2000) },
      answeredIds: (await readFile(answeredFile, 'utf8')).split('\n').filter((line) => line !== ''),
    }
    const { rows: loggedRows } = await client.query(
      `SELECT request_id::text AS "requestId", record FROM prediction_log
        WHERE project = 'nyc-taxi' ORDER BY event_time, request_id`,
    )
    logged = loggedRows as typeof logged
  }, 900_000)

  afterAll(async () => {
    serve?.child.kill('SIGTERM')
    await serve?.done
    await client?.end()
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
    console.info(`live-collector timings (ms): ${JSON.stringify(timings)}`)
  })

  it('replay --speed max sends every trip of the month; each answered trip is logged once with its event time', async () => {
    expect(replayed.code, JSON.stringify(replayed.summary)).toBe(0)
    expect(replayed.summary).toMatchObject({
      trips: records.length,
      predictionsSent: records.length,
      predictionsAnswered: records.length,
      feedbackSent: 0,
      failed: 0,
      stoppedBecause: null,
    })
    expect(replayed.answeredIds).toHaveLength(records.length)
    expect(new Set(replayed.answeredIds).size).toBe(records.length)
    const { rows } = await client.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE event_time IS NOT NULL)::int AS timed
         FROM prediction_log WHERE project = 'nyc-taxi'`,
    )
    expect(rows[0]).toEqual({ n: records.length, timed: records.length })
    expect(new Set(logged.map((row) => row.requestId))).toEqual(new Set(replayed.answeredIds))
  })

  it(
    'stores one live window per day with trips, each equal to the batch day (1e-9 relative)',
    { timeout: 300_000 },
    async () => {
      const printed = await timed('collect', () => collect())
      const live = await liveDays()
      expect(printed.map((w) => w.date)).toEqual(live.map((w) => w.date))
      // The log ran out: only the last window (the latest event time's) is provisional.
      expect(live.filter((w) => w.provisional === true).map((w) => w.date)).toEqual([
        live[live.length - 1]!.date,
      ])
      const liveByDate = new Map(live.map((w) => [w.date as string, w]))
      let compared = 0
      for (const [date, day] of batch) {
        if (day.rows === 0) continue
        const window = liveByDate.get(date)
        expect(window, date).toBeDefined()
        for (const field of DRIFT_FIELDS) {
          const expected = day[field]
          const actual = window![field]
          if (typeof expected === 'number' && !Number.isInteger(expected)) {
            expect(isClose(actual as number, expected), `${date} ${field}`).toBe(true)
          } else {
            expect(actual, `${date} ${field}`).toEqual(expected)
          }
        }
        compared++
      }
      expect(compared).toBeGreaterThanOrEqual(27)

      // Per-column drift scores and verdicts, and per-column missing counts.
      const drift = await client.query(
        `SELECT to_char(b."timestamp", 'YYYY-MM-DD') AS date, b.column_name, b.drift_score AS batch_score,
              l.drift_score AS live_score, b.drift_detected = l.drift_detected AS same_verdict,
              b.stattest = l.stattest AS same_test
         FROM column_drift b
         JOIN column_drift l ON l.project = b.project AND l."timestamp" = b."timestamp"
          AND l.column_name = b.column_name AND l.source = 'live'
        WHERE b.source = 'batch'`,
      )
      expect(drift.rows.length).toBe(compared * 7)
      for (const row of drift.rows) {
        expect(isClose(row.live_score, row.batch_score), `${row.date} ${row.column_name}`).toBe(
          true,
        )
        expect(row.same_verdict && row.same_test).toBe(true)
      }
      const missing = await client.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE b.missing_count = l.missing_count)::int AS same
         FROM column_missing b
         JOIN column_missing l ON l.project = b.project AND l."timestamp" = b."timestamp"
          AND l.column_name = b.column_name AND l.source = 'live'
        WHERE b.source = 'batch'`,
      )
      expect(missing.rows[0]).toEqual({ n: compared * 21, same: compared * 21 })
    },
  )

  it(
    'metrics --source live prints one line per window of the month with the fields of backfill --json',
    { timeout: 120_000 },
    async () => {
      const result = await runCli([
        'metrics',
        '--project',
        'nyc-taxi',
        '--source',
        'live',
        '--month',
        '2022-02',
        '--json',
        ...common(),
      ])
      expect(result.code).toBe(0)
      const lines = jsonLines(result.stdout)
      const febLive = (await liveDays()).filter(
        (w) => (w.date as string).startsWith('2022-02') && w.provisional !== true,
      )
      expect(febLive.length).toBeGreaterThanOrEqual(27)
      expect(lines.map((l) => l.date)).toEqual(febLive.map((w) => w.date))
      for (const line of lines) {
        const day = batch.get(line.date as string)
        if (day === undefined) continue
        expect(Object.keys(line)).toEqual(Object.keys(day).slice(0, Object.keys(line).length))
        expect(line.rows).toBe(day.rows)
        expect(line.num_drifted_columns).toBe(day.num_drifted_columns)
        expect(isClose(line.prediction_drift as number, day.prediction_drift as number)).toBe(true)
        expect(
          isClose(line.share_missing_values as number, day.share_missing_values as number),
        ).toBe(true)
      }
    },
  )

  it.runIf(hasAnswerKeys() && realTaxiDataDir() !== null)(
    "equals Evidently 0.4's answer key for every day (summary and per-column drift)",
    async () => {
      const live = new Map((await liveDays()).map((w) => [w.date as string, w]))
      for (const row of readAnswerTsv('summary.tsv')) {
        const window = live.get(row.date as string)
        expect(window, row.date).toBeDefined()
        expect(window!.rows).toBe(Number(row.current_rows))
        expect(window!.num_drifted_columns).toBe(Number(row.num_drifted_columns))
        expect(isClose(window!.prediction_drift as number, Number(row.prediction_drift))).toBe(true)
        expect(
          isClose(window!.share_missing_values as number, Number(row.share_missing_values)),
        ).toBe(true)
      }
      const { rows } = await client.query(
        `SELECT to_char("timestamp", 'YYYY-MM-DD') AS date, column_name, drift_score, drift_detected
           FROM column_drift WHERE source = 'live'`,
      )
      const byKey = new Map(rows.map((r) => [`${r.date}/${r.column_name}`, r]))
      for (const row of readAnswerTsv('drift_by_column.tsv')) {
        const stored = byKey.get(`${row.date}/${row.column}`)
        expect(stored, `${row.date}/${row.column}`).toBeDefined()
        expect(isClose(stored.drift_score, Number(row.drift_score))).toBe(true)
        expect(stored.drift_detected).toBe(row.drift_detected === 'True')
      }
    },
  )

  it(
    'delayed labels: MAE/RMSE from feedback once it arrives, updated when late feedback comes for a closed window',
    { timeout: 300_000 },
    async () => {
      const withDuration = (date: string): { requestId: string; durationMin: number }[] =>
        logged.flatMap(({ requestId, record }) => {
          const duration = durationOf(record)
          return String(record.lpep_pickup_datetime).startsWith(date) && duration !== null
            ? [{ requestId, durationMin: duration }]
            : []
        })
      const before = new Map((await liveDays()).map((w) => [w.date as string, w]))
      expect(before.get('2022-02-01')).toMatchObject({ labelled_rows: 0, mae: null, rmse: null })

      const first = withDuration('2022-02-01')
      await timed('feedback', () => postFeedback(base, first))
      expect(await collect()).toEqual([]) // nothing recomputed: only labels change
      const labelled = new Map((await liveDays()).map((w) => [w.date as string, w]))
      const day1 = labelled.get('2022-02-01')!
      expect(day1.labelled_rows).toBe(first.length)
      expect(day1.labelled_share).toBeCloseTo(first.length / (day1.rows as number), 12)
      // Every trip of the day with both times has its label: the batch MAE over the same trips.
      const { rows: batchErrors } = await client.query(
        `SELECT mae, rmse FROM daily_metrics WHERE source = 'batch' AND "timestamp" = '2022-02-01'`,
      )
      expect(isClose(day1.mae as number, batchErrors[0].mae)).toBe(true)
      expect(isClose(day1.rmse as number, batchErrors[0].rmse)).toBe(true)
      // Only the label columns changed; the window itself was not recomputed.
      expect(day1.computed_at).toEqual(before.get('2022-02-01')!.computed_at)
      expect(day1.prediction_drift).toBe(before.get('2022-02-01')!.prediction_drift)
      expect(labelled.get('2022-02-02')).toMatchObject({ labelled_rows: 0, mae: null })

      // Late feedback for a closed window: 150 of Feb 2's trips, then 150 more (bounded: CI time).
      const second = withDuration('2022-02-02').slice(0, 300)
      const half = second.slice(0, Math.floor(second.length / 2))
      await postFeedback(base, half)
      await collect()
      const partial = (await liveDays()).find((w) => w.date === '2022-02-02')!
      expect(partial.labelled_rows).toBe(half.length)
      await postFeedback(base, second.slice(half.length))
      await collect()
      const full = (await liveDays()).find((w) => w.date === '2022-02-02')!
      expect(full.labelled_rows).toBe(second.length)
      expect(full.mae).not.toBe(partial.mae)
      expect(full.computed_at).toEqual(before.get('2022-02-02')!.computed_at)
    },
  )

  it(
    'SIGKILL mid-way: a second collector is refused while the first runs, and the resumed one computes every remaining window exactly once',
    { timeout: 300_000 },
    async () => {
      const expected = new Map((await liveDays()).map((w) => [w.date as string, w]))
      await client.query(`DELETE FROM column_drift WHERE source = 'live'`)
      await client.query(`DELETE FROM column_missing WHERE source = 'live'`)
      await client.query(`DELETE FROM daily_metrics WHERE source = 'live'`)
      const since = (await client.query('SELECT now() AS t')).rows[0].t as Date

      // Hold Feb 10's row in an open transaction: the collector stores the days before it, then waits.
      const blocker = new pg.Client({ connectionString: server.url })
      await blocker.connect()
      await blocker.query('BEGIN')
      await blocker.query(
        `INSERT INTO daily_metrics (project, source, "timestamp", rows) VALUES ('nyc-taxi', 'live', '2022-02-10', 0)`,
      )
      const first = startCli(['collect', '--project', 'nyc-taxi', ...common()])
      await waitFor(async () => {
        const { rows } = await client.query(
          `SELECT 1 FROM task_runs t JOIN runs r ON r.id = t.run_id
          WHERE r.job = 'collect' AND r.created_at >= $1 AND t.task_key = 'window:2022-02-10'
            AND t.state = 'Running'`,
          [since],
        )
        const waiting = await client.query(
          `SELECT 1 FROM pg_stat_activity WHERE application_name = 'driftdesk collect' AND wait_event_type = 'Lock'`,
        )
        return rows.length > 0 && (waiting.rowCount ?? 0) > 0 ? true : undefined
      }, 'the collector to wait on 2022-02-10')

      const second = await runCli(['collect', '--project', 'nyc-taxi', ...common()])
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(/Another collector is running for project nyc-taxi \(run ID /)

      first.child.kill('SIGKILL')
      const killed = await first.done
      expect(killed.signal).toBe('SIGKILL')
      await blocker.query('ROLLBACK')
      await blocker.end()

      const resumed = await runCli(['collect', '--project', 'nyc-taxi', ...common()])
      expect(resumed.code).toBe(0)
      expect(resumed.stderr).toMatch(/marked Crashed/)

      const { rows: tasks } = await client.query(
        `SELECT t.task_key, count(*) FILTER (WHERE t.state = 'Completed')::int AS completed,
              array_agg(t.state ORDER BY r.created_at) AS states
         FROM task_runs t JOIN runs r ON r.id = t.run_id
        WHERE r.job = 'collect' AND r.created_at >= $1
        GROUP BY t.task_key ORDER BY t.task_key`,
        [since],
      )
      const live = await liveDays()
      expect(tasks.map((t) => t.task_key)).toEqual(live.map((w) => `window:${w.date as string}`))
      for (const task of tasks) expect(task.completed, task.task_key).toBe(1)
      const feb10 = tasks.find((t) => t.task_key === 'window:2022-02-10')!
      expect(feb10.states).toEqual(['Crashed', 'Completed'])
      const before10 = tasks.filter((t) => t.task_key < 'window:2022-02-10')
      expect(before10.length).toBeGreaterThan(0)
      for (const task of before10) expect(task.states).toEqual(['Completed'])
      // The same numbers as the uninterrupted collector.
      for (const window of live) {
        const previous = expected.get(window.date as string)!
        for (const field of DRIFT_FIELDS)
          expect(window[field], `${window.date} ${field}`).toEqual(previous[field])
      }
    },
  )
})
