import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tableFromArrays, tableToIPC } from 'apache-arrow'
import { Table as WasmTable, writeParquet } from 'parquet-wasm'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasAnswerKeys, isClose, readAnswerTsv } from '../support/answer-keys'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'
import { jsonLines, runCli } from '../support/run-cli'
import { taxiDataDir } from '../support/taxi-data'

/**
 * Acceptance (issues 2 and 4): the CLI backfill as a real child process against a real PostgreSQL, on the
 * real TLC files when ../shared is present (then it must reproduce Evidently's answer key to 1e-9),
 * otherwise on synthetic files (then shapes and invariants are checked).
 */
describe('backfill command', () => {
  let server: TestPostgres
  let client: pg.Client
  let home: string
  let data: { dir: string; real: boolean }
  let firstRun: Record<string, unknown>[]

  const common = (): string[] => ['--database-url', server.url, '--home', home]

  beforeAll(async () => {
    ;[server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    home = await mkdtemp(join(tmpdir(), 'driftdesk-backfill-home-'))
    client = new pg.Client({ connectionString: server.url })
    await client.connect()
    const result = await runCli([
      'backfill',
      '--month',
      '2022-02',
      '--days',
      '27',
      '--json',
      '--workers',
      '2',
      '--data-dir',
      data.dir,
      ...common(),
    ])
    expect(result.stderr).toContain('Completed')
    expect(result.code).toBe(0)
    firstRun = jsonLines(result.stdout)
  }, 300_000)

  afterAll(async () => {
    await client?.end()
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  it('prints exactly one JSON object per day with the course fields, in day order', () => {
    expect(firstRun).toHaveLength(27)
    firstRun.forEach((day, i) => {
      expect(day.date).toBe(`2022-02-${String(i + 1).padStart(2, '0')}`)
      expect(Object.keys(day).slice(0, 5)).toEqual([
        'date',
        'rows',
        'prediction_drift',
        'num_drifted_columns',
        'share_missing_values',
      ])
      if (day.rows === 0) {
        expect(day.prediction_drift).toBeNull()
        expect(typeof day.error).toBe('string')
      } else {
        expect(day.prediction_drift).toBeGreaterThanOrEqual(0)
        expect(day.share_missing_values).toBeGreaterThan(0)
        expect(Number.isInteger(day.num_drifted_columns)).toBe(true)
      }
    })
  })

  it.runIf(hasAnswerKeys() && realData())(
    'reproduces Evidently 0.4 summary.tsv to 1e-9 relative',
    () => {
      const expected = readAnswerTsv('summary.tsv')
      expect(firstRun).toHaveLength(expected.length)
      expected.forEach((row, i) => {
        const day = firstRun[i] as Record<string, number | string>
        expect(day.date).toBe(row.date)
        expect(day.rows).toBe(Number(row.current_rows))
        expect(day.num_drifted_columns).toBe(Number(row.num_drifted_columns))
        expect(isClose(day.prediction_drift as number, Number(row.prediction_drift))).toBe(true)
        expect(isClose(day.share_missing_values as number, Number(row.share_missing_values))).toBe(
          true,
        )
      })
    },
  )

  it('stores what it printed: metrics --json returns the same days', async () => {
    const stored = await runCli(['metrics', '--month', '2022-02', '--json', ...common()])
    expect(stored.code).toBe(0)
    expect(jsonLines(stored.stdout)).toEqual(firstRun)
  })

  it.runIf(hasAnswerKeys() && realData())(
    'stores per-column drift equal to drift_by_column.tsv',
    async () => {
      const expected = readAnswerTsv('drift_by_column.tsv')
      const { rows } = await client.query(
        `SELECT to_char("timestamp", 'YYYY-MM-DD') AS date, column_name, column_type, stattest_name, threshold, drift_score, drift_detected
       FROM column_drift ORDER BY "timestamp", position`,
      )
      expect(rows).toHaveLength(expected.length)
      const byKey = new Map(rows.map((r) => [`${r.date}/${r.column_name}`, r]))
      for (const row of expected) {
        const stored = byKey.get(`${row.date}/${row.column}`)
        expect(stored, `${row.date}/${row.column}`).toBeDefined()
        expect(stored.column_type).toBe(row.column_type)
        expect(stored.stattest_name).toBe(row.stattest_name)
        expect(stored.threshold).toBe(Number(row.stattest_threshold))
        expect(isClose(stored.drift_score, Number(row.drift_score))).toBe(true)
        expect(stored.drift_detected).toBe(row.drift_detected === 'True')
      }
    },
  )

  it('stores 7 drift columns and every missing-value column per day with rows', async () => {
    const { rows } = await client.query(
      `SELECT d.rows, (SELECT count(*) FROM column_drift c WHERE c."timestamp" = d."timestamp")::int AS drift,
              (SELECT count(*) FROM column_missing m WHERE m."timestamp" = d."timestamp")::int AS missing
       FROM daily_metrics d ORDER BY d."timestamp"`,
    )
    expect(rows).toHaveLength(27)
    for (const row of rows) if (row.rows > 0) expect(row).toMatchObject({ drift: 7, missing: 21 })
  })

  it('skips days stored with the same inputs, and --force replaces them without duplicates', async () => {
    const again = await runCli([
      'backfill',
      '--month',
      '2022-02',
      '--days',
      '27',
      '--json',
      '--data-dir',
      data.dir,
      ...common(),
    ])
    expect(again.code).toBe(0)
    expect(jsonLines(again.stdout)).toEqual(firstRun)
    const skippedRun = await client.query(
      `SELECT count(*)::int AS n, max(attempts) AS max_attempts FROM task_runs
       WHERE run_id = (SELECT id FROM runs ORDER BY created_at DESC LIMIT 1) AND state = 'Completed'`,
    )
    expect(skippedRun.rows[0]).toEqual({ n: 27, max_attempts: 0 })
    // Regression: a run that reused every day said "Stored 27 day(s)", as if it had recomputed them.
    const message = await client.query(
      'SELECT state_message FROM runs ORDER BY created_at DESC LIMIT 1',
    )
    expect(message.rows[0]?.state_message).toBe('27 reused, 0 computed (27 day(s) stored).')

    const before = await client.query('SELECT max(computed_at) AS at FROM daily_metrics')
    const forced = await runCli([
      'backfill',
      '--month',
      '2022-02',
      '--days',
      '27',
      '--json',
      '--force',
      '--workers',
      '1',
      '--data-dir',
      data.dir,
      ...common(),
    ])
    expect(forced.code).toBe(0)
    expect(jsonLines(forced.stdout)).toEqual(firstRun)
    const counts = await client.query(
      `SELECT (SELECT count(*) FROM daily_metrics)::int AS days, (SELECT count(*) FROM column_drift)::int AS drift,
              (SELECT min(computed_at) FROM daily_metrics) AS oldest`,
    )
    expect(counts.rows[0].days).toBe(27)
    expect(counts.rows[0].drift).toBe(27 * 7)
    expect(counts.rows[0].oldest.getTime()).toBeGreaterThan(before.rows[0].at.getTime())
  })

  describe('bad inputs give one clear error and keep what is stored', () => {
    let badDir: string
    beforeAll(async () => {
      badDir = await mkdtemp(join(tmpdir(), 'driftdesk-bad-data-'))
      await copyFile(
        join(data.dir, 'green_tripdata_2022-01.parquet'),
        join(badDir, 'green_tripdata_2022-01.parquet'),
      )
    })
    afterAll(async () => {
      await rm(badDir, { recursive: true, force: true })
    })

    async function expectFailureKeepsData(args: string[], message: RegExp): Promise<void> {
      const result = await runCli([
        'backfill',
        '--month',
        '2022-02',
        '--days',
        '3',
        '--data-dir',
        badDir,
        ...args,
        ...common(),
      ])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toMatch(/\n\s+at /) // no stack trace
      const stored = await runCli(['metrics', '--month', '2022-02', '--json', ...common()])
      expect(jsonLines(stored.stdout)).toEqual(firstRun)
    }

    it('a missing file', async () => {
      await rm(join(badDir, 'green_tripdata_2022-02.parquet'), { force: true })
      await expectFailureKeepsData([], /green_tripdata_2022-02\.parquet is not in the data folder/)
    })

    it('a corrupt (truncated) Parquet file', async () => {
      const { readFile } = await import('node:fs/promises')
      const bytes = await readFile(join(data.dir, 'green_tripdata_2022-02.parquet'))
      await writeFile(
        join(badDir, 'green_tripdata_2022-02.parquet'),
        bytes.subarray(0, bytes.length / 2),
      )
      await expectFailureKeepsData([], /Failed: .*green_tripdata_2022-02\.parquet/)
    })

    it('a file without the needed columns', async () => {
      const table = tableFromArrays({
        VendorID: Int32Array.from([1, 2]),
        fare_amount: Float64Array.from([5, 6]),
      })
      await writeFile(
        join(badDir, 'green_tripdata_2022-02.parquet'),
        writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream'))),
      )
      await expectFailureKeepsData([], /not a usable green-taxi trip file: Column '\w+' is missing/)
    })

    it('an unreachable database', async () => {
      const result = await runCli([
        'backfill',
        '--month',
        '2022-02',
        '--data-dir',
        data.dir,
        '--home',
        home,
        '--database-url',
        'postgres://postgres:secret@127.0.0.1:1/nowhere',
      ])
      expect(result.code).toBe(1)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(
        /Cannot connect to PostgreSQL at 127\.0\.0\.1:1 .*--database-url/,
      )
      expect(result.stderr).not.toContain('secret')
    })

    it('a database URL that is not postgres:// (exit 2, one sentence, no stack, no password)', async () => {
      for (const command of [
        ['metrics', '--month', '2022-02'],
        ['backfill', '--month', '2022-02', '--data-dir', data.dir],
      ]) {
        const result = await runCli([
          ...command,
          '--home',
          home,
          '--database-url',
          'mysql://root:secret@localhost/db',
        ])
        expect(result.code).toBe(2)
        expect(result.stderr.trim().split('\n')).toHaveLength(1)
        expect(result.stderr).toMatch(/must start with postgres:\/\/ or postgresql:\/\//)
        expect(result.stderr).not.toContain('secret')
        expect(result.stderr).not.toMatch(/\n\s+at /)
      }
    })

    it('a month that does not exist (exit 2)', async () => {
      const backfill = await runCli([
        'backfill',
        '--month',
        '2022-02',
        '--reference-month',
        '2022-13',
        ...common(),
      ])
      expect(backfill.code).toBe(2)
      expect(backfill.stderr).toMatch(/--reference-month must be YYYY-MM \(got '2022-13'\)/)
      const metrics = await runCli(['metrics', '--month', '2022-13', ...common()])
      expect(metrics.code).toBe(2)
    })
  })

  function realData(): boolean {
    return data?.real ?? true
  }
})
