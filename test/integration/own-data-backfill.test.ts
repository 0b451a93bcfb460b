import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listColumnMetrics } from '../../src-main/adapters/postgres/column-metrics-repository'
import { listDayMetrics } from '../../src-main/adapters/postgres/metrics-repository'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { isClose } from '../support/answer-keys'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { jsonLines, runCli } from '../support/run-cli'
import { taxiDataDir } from '../support/taxi-data'
import { readTripFile } from '../../src-main/adapters/parquet/read-parquet-frame'
import { takeRows } from '../../src-main/core/data/frame'
import { splitDailyWindows } from '../../src-main/core/pipeline/daily-windows'
import { windowColumnMetric } from '../../src-main/core/quality/window-column-metric'

/**
 * `backfill --project` / ad hoc on a learner's own data (issue 11), through the real CLI into a real
 * PostgreSQL. The fair answer key (Evidently 0.4.16) pins every stored number of the 5 day windows, from the
 * Parquet files and from the CSV files; small generated logs pin the run machinery: an empty window, a failing
 * window kept beside the others and resumed, hourly windows, unsorted data.
 */
const KEY_DIR = resolve(__dirname, '../../../shared/answers/evidently-0.4-own-data-fair')
const hasKey = existsSync(join(KEY_DIR, 'meta.json'))
if (!hasKey)
  console.info('own-data-backfill: answer-key part skipped — ../shared/answers is absent.')

const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']
const MAPPING_FLAGS = [
  '--target',
  'affairs',
  '--prediction',
  'prediction',
  '--numerical',
  'rate_marriage,age,yrs_married,children,religious,educ',
  '--categorical',
  'occupation,occupation_husb',
  '--datetime',
  'ts',
  '--window',
  '1d',
]

interface KeyMetric {
  metric: string
  result: Record<string, unknown>
}
function keyMetrics(day: string, file: string): KeyMetric[] {
  const content = JSON.parse(readFileSync(join(KEY_DIR, 'reports', day, file), 'utf8')) as {
    as_dict: { metrics: KeyMetric[] }
  }
  return content.as_dict.metrics
}
function keyResult(day: string, file: string, metric: string): Record<string, unknown> {
  const found = keyMetrics(day, file).find((m) => m.metric === metric)
  if (found === undefined) throw new Error(`${metric} missing from ${day}/${file}`)
  return found.result
}

function expectClose(actual: number | null | undefined, expected: unknown, where: string): void {
  expect(typeof actual, where).toBe('number')
  expect(
    isClose(actual as number, expected as number),
    `${where}: ${actual} vs ${String(expected)}`,
  ).toBe(true)
}

let server: TestPostgres
let pool: DatabasePool
let home: string
let dir: string
const common = (): string[] => ['--database-url', server.url, '--home', home]

beforeAll(async () => {
  server = await startTestPostgres()
  home = await mkdtemp(join(tmpdir(), 'driftdesk-own-backfill-home-'))
  dir = await mkdtemp(join(tmpdir(), 'driftdesk-own-backfill-'))
  pool = createPool(server.url)
}, 120_000)

afterAll(async () => {
  await pool?.end()
  await server?.stop()
  if (home !== undefined) await rm(home, { recursive: true, force: true })
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe.skipIf(!hasKey)('backfill of the fair project equals Evidently 0.4 per day window', () => {
  for (const format of ['parquet', 'csv'] as const) {
    it(`stores exactly the key's drift, missing-value and regression numbers from the ${format} files`, async () => {
      const project = `fair-${format}`
      const result = await runCli([
        'backfill',
        '--reference',
        join(KEY_DIR, `reference.${format}`),
        '--current',
        join(KEY_DIR, `current.${format}`),
        ...MAPPING_FLAGS,
        '--name',
        project,
        '--json',
        ...common(),
      ])
      expect(result.stderr).toContain('Completed')
      expect(result.code).toBe(0)
      const printed = jsonLines(result.stdout)
      expect(printed.map((line) => [line.date, line.rows])).toEqual(DAYS.map((d) => [d, 382]))
      // The course's backfill --json fields, in its order, first.
      expect(Object.keys(printed[0]!).slice(0, 5)).toEqual([
        'date',
        'rows',
        'prediction_drift',
        'num_drifted_columns',
        'share_missing_values',
      ])

      const stored = await listDayMetrics(pool, '2024-01-01', '2024-01-06', project, 'batch')
      expect(stored.map((s) => s.metrics.date)).toEqual(DAYS)
      for (const { metrics } of stored) {
        const day = metrics.date
        const dataset = keyResult(day, 'data_drift.json', 'DatasetDriftMetric')
        expect(metrics.numDriftedColumns, day).toBe(dataset.number_of_drifted_columns)
        expectClose(metrics.shareOfDriftedColumns, dataset.share_of_drifted_columns, `${day} share`)
        expect(metrics.datasetDrift, day).toBe(dataset.dataset_drift)
        const table = keyResult(day, 'data_drift.json', 'DataDriftTable')
          .drift_by_columns as Record<
          string,
          {
            stattest_name: string
            stattest_threshold: number
            drift_score: number
            drift_detected: boolean
          }
        >
        expectClose(
          metrics.predictionDrift,
          table.prediction?.drift_score,
          `${day} prediction_drift`,
        )
        expect(metrics.columns.map((c) => c.column).sort()).toEqual(Object.keys(table).sort())
        for (const column of metrics.columns) {
          const expected = table[column.column]!
          expectClose(
            column.driftScore,
            expected.drift_score,
            `${day} ${column.column} drift_score`,
          )
          expect(column.driftDetected, `${day} ${column.column}`).toBe(expected.drift_detected)
          expect(column.stattestName, `${day} ${column.column}`).toBe(expected.stattest_name)
          expectClose(
            column.threshold,
            expected.stattest_threshold,
            `${day} ${column.column} threshold`,
          )
        }
        const missing = (
          keyResult(day, 'data_quality.json', 'DatasetMissingValuesMetric') as {
            current: { share_of_missing_values: number; number_of_missing_values_by_column: object }
          }
        ).current
        expectClose(metrics.shareMissingValues, missing.share_of_missing_values, `${day} missing`)
        expect({ ...metrics.missingByColumn }).toEqual(missing.number_of_missing_values_by_column)
        const regression = (
          keyResult(day, 'regression.json', 'RegressionQualityMetric') as {
            current: { mean_abs_error: number; rmse: number }
          }
        ).current
        expectClose(metrics.mae, regression.mean_abs_error, `${day} mae`)
        expectClose(metrics.rmse, regression.rmse, `${day} rmse`)
      }
      const ends = await pool.query<{ timestamp: string; window_end: string }>(
        `SELECT "timestamp", window_end FROM daily_metrics WHERE project = $1 ORDER BY "timestamp"`,
        [project],
      )
      expect(ends.rows[0]).toEqual({
        timestamp: '2024-01-01 00:00:00',
        window_end: '2024-01-02 00:00:00',
      })
      // One run, one task per window, each Completed.
      const tasks = await pool.query<{ task_key: string; state: string }>(
        `SELECT t.task_key, t.state FROM task_runs t JOIN runs r ON r.id = t.run_id
          WHERE r.parameters->>'project' = $1 ORDER BY t.task_key`,
        [project],
      )
      expect(tasks.rows).toEqual(DAYS.map((d) => ({ task_key: `window:${d}`, state: 'Completed' })))
    }, 180_000)
  }

  it('a project file with metrics: stores its extra metrics per window; metrics --project prints them', async () => {
    const file = join(dir, 'fair.yaml')
    await writeFile(
      file,
      [
        'name: fair-file',
        `reference: ${join(KEY_DIR, 'reference.parquet')}`,
        `current: ${join(KEY_DIR, 'current.parquet')}`,
        'mapping:',
        '  target: affairs',
        '  prediction: prediction',
        'window: {column: ts, every: 1d}',
        'metrics:',
        '  - {column: age, metric: quantile, quantile: 0.5}',
        '  - {column: yrs_married, metric: missing_share}',
        '',
      ].join('\n'),
    )
    const result = await runCli(['backfill', '--project', file, ...common()])
    expect(result.stderr).toContain('Completed')
    expect(result.code).toBe(0)
    const values = await listColumnMetrics(pool, {
      project: 'fair-file',
      from: '2024-01-01',
      to: '2024-01-06',
    })
    expect(values.filter((v) => v.metric === 'quantile')).toHaveLength(5)
    const shares = values.filter((v) => v.metric === 'missing_share').map((v) => v.value)
    const missingCounts = DAYS.map(
      (day) =>
        (
          keyResult(day, 'data_quality.json', 'DatasetMissingValuesMetric') as {
            current: { number_of_missing_values_by_column: { yrs_married: number } }
          }
        ).current.number_of_missing_values_by_column.yrs_married / 382,
    )
    shares.forEach((share, i) => expectClose(share, missingCounts[i], `missing share ${DAYS[i]}`))
    const printed = await runCli([
      'metrics',
      '--project',
      file,
      '--metric',
      'quantile:age:0.5',
      '--json',
      ...common(),
    ])
    expect(printed.code).toBe(0)
    const lines = jsonLines(printed.stdout)
    expect(lines.map((l) => l.date)).toEqual(DAYS)
    expect(lines[0]?.metrics).toEqual({
      'quantile:age:0.5': values.find((v) => v.metric === 'quantile')?.value,
    })
    expect(printed.stderr).toMatch(/quantile:age:0\.5: max \d/)
  }, 180_000)
})

/** A small prediction log, one row every 20 minutes from `startHour` for `hours` hours of 2024-06-10. */
function log(first: string, hours: number, options: { textPrediction?: boolean } = {}): string {
  const lines = ['ts,amount,segment,target,prediction']
  const start = Date.parse(`${first}Z`)
  for (let i = 0; i < hours * 3; i++) {
    const ts = new Date(start + i * 20 * 60_000).toISOString().slice(0, 19).replace('T', ' ')
    const prediction = options.textPrediction === true ? 'n/a' : String((i % 7) + 0.25)
    lines.push(`${ts},${(i * 1.7) % 13},${['a', 'b', 'c'][i % 3]},${i % 7},${prediction}`)
  }
  return `${lines.join('\n')}\n`
}

describe('the run machinery on own data', () => {
  it('refuses windows with no time (rows:N, none) as a usage error before any database starts', async () => {
    const freshHome = join(dir, 'no-db-home')
    const result = await runCli([
      'backfill',
      '--reference',
      join(dir, 'nowhere.csv'),
      '--current',
      join(dir, 'nowhere.csv'),
      '--datetime',
      'ts',
      '--window',
      'rows:100',
      '--home',
      freshHome,
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/needs time windows.*instead of rows:N/)
    expect(existsSync(join(freshHome, 'pg'))).toBe(false)
  }, 60_000)

  it('reports an empty window (gap in time) and goes on; hourly windows are keyed by their start', async () => {
    const reference = join(dir, 'ref.csv')
    const current = join(dir, 'gap.csv')
    await writeFile(reference, log('2024-06-01T00:00:00', 24))
    await writeFile(
      current,
      log('2024-06-10T00:00:00', 2) + log('2024-06-10T04:00:00', 1).split('\n').slice(1).join('\n'),
    )
    const result = await runCli([
      'backfill',
      '--reference',
      reference,
      '--current',
      current,
      '--datetime',
      'ts',
      '--window',
      '1h',
      '--name',
      'gaps',
      '--json',
      ...common(),
    ])
    expect(result.code).toBe(0)
    const printed = jsonLines(result.stdout)
    expect(printed.map((l) => [l.date, l.rows])).toEqual([
      ['2024-06-10', 3],
      ['2024-06-10T01:00:00', 3],
      ['2024-06-10T02:00:00', 0],
      ['2024-06-10T03:00:00', 0],
      ['2024-06-10T04:00:00', 3],
    ])
    expect(printed[2]?.error).toMatch(/no current rows/)
    expect(result.stderr).toContain('2 empty')
    const stored = await listDayMetrics(pool, '2024-06-10', '2024-06-11', 'gaps')
    expect(stored.map((s) => [s.metrics.date, s.metrics.rows])).toEqual(
      printed.map((l) => [l.date, l.rows]),
    )
    const ends = await pool.query<{ window_end: string }>(
      `SELECT window_end FROM daily_metrics WHERE project = 'gaps' ORDER BY "timestamp" LIMIT 2`,
    )
    expect(ends.rows.map((r) => r.window_end)).toEqual([
      '2024-06-10 01:00:00',
      '2024-06-10 02:00:00',
    ])
  }, 120_000)

  it('stores a failing window with its error, keeps the others, fails the run; --resume finishes it', async () => {
    const folder = join(dir, 'parts')
    await mkdir(folder)
    const reference = join(dir, 'ref2.csv')
    await writeFile(reference, log('2024-06-01T00:00:00', 24))
    await writeFile(join(folder, 'a.csv'), log('2024-06-10T00:00:00', 24))
    await writeFile(join(folder, 'b.csv'), log('2024-06-11T00:00:00', 24, { textPrediction: true }))
    await writeFile(join(folder, 'c.csv'), log('2024-06-12T00:00:00', 24))
    const args = [
      'backfill',
      '--reference',
      reference,
      '--current',
      folder,
      '--target',
      'target',
      '--prediction',
      'prediction',
      '--datetime',
      'ts',
      '--name',
      'broken',
      '--json',
      ...common(),
    ]
    const failed = await runCli(args)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/Failed: 1 of 3 window\(s\) failed \(2024-06-11\)/)
    const runId = /backfill --resume (\S+)/.exec(failed.stderr)?.[1]
    expect(runId).toBeDefined()
    const first = await listDayMetrics(pool, '2024-06-10', '2024-06-13', 'broken')
    expect(first.map((s) => [s.metrics.date, s.metrics.rows, s.metrics.error ?? null])).toEqual([
      ['2024-06-10', 72, null],
      ['2024-06-11', 72, expect.stringMatching(/prediction/)],
      ['2024-06-12', 72, null],
    ])
    const states = await pool.query<{ task_key: string; state: string }>(
      'SELECT task_key, state FROM task_runs WHERE run_id = $1 ORDER BY task_key',
      [runId],
    )
    expect(states.rows.map((r) => r.state)).toEqual(['Completed', 'Failed', 'Completed'])

    await writeFile(join(folder, 'b.csv'), log('2024-06-11T00:00:00', 24))
    const resumed = await runCli(['backfill', '--resume', runId!, '--json', ...common()])
    expect(resumed.stderr).toContain('Completed')
    expect(resumed.code).toBe(0)
    const after = await listDayMetrics(pool, '2024-06-10', '2024-06-13', 'broken')
    expect(after.map((s) => s.metrics.error ?? null)).toEqual([null, null, null])
    expect(after.every((s) => s.runId === runId)).toBe(true)

    // Same inputs again: every window reused, nothing recomputed.
    const again = await runCli(args)
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('3 reused, 0 computed')
  }, 180_000)

  it('refuses data not sorted by the window column, naming the row, and keeps the windows before it', async () => {
    const reference = join(dir, 'ref3.csv')
    const current = join(dir, 'unsorted.csv')
    await writeFile(reference, log('2024-06-01T00:00:00', 24))
    const day1 = log('2024-06-10T00:00:00', 24).split('\n')
    const day2 = log('2024-06-11T00:00:00', 24).split('\n').slice(1)
    // A row of June 10 after June 11 began.
    await writeFile(current, [...day1.slice(0, -1), ...day2.slice(0, 3), day1[5], ''].join('\n'))
    const result = await runCli([
      'backfill',
      '--reference',
      reference,
      '--current',
      current,
      '--datetime',
      'ts',
      '--name',
      'unsorted',
      ...common(),
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /Row 76 of the current data at 2024-06-10T01:20:00 belongs to window 2024-06-10, which had already closed.*Sort the data by 'ts'.*--lateness/,
    )
    const lenient = await runCli([
      'backfill',
      '--reference',
      reference,
      '--current',
      current,
      '--datetime',
      'ts',
      '--lateness',
      '2',
      '--name',
      'unsorted',
      '--json',
      ...common(),
    ])
    expect(lenient.code).toBe(0)
    expect(jsonLines(lenient.stdout).map((l) => [l.date, l.rows])).toEqual([
      ['2024-06-10', 73],
      ['2024-06-11', 3],
    ])
  }, 120_000)
})

describe('extra metrics of the course project', () => {
  it("backfill --month --metric stores each day's quantile; metrics --project nyc-taxi prints them and their max", async () => {
    const data = await taxiDataDir()
    const backfill = await runCli([
      'backfill',
      '--month',
      '2022-02',
      '--days',
      '3',
      '--data-dir',
      data.dir,
      '--metric',
      'quantile:fare_amount:0.5',
      '--json',
      ...common(),
    ])
    expect(backfill.stderr).toContain('Stored quantile:fare_amount:0.5 for 3 day(s)')
    expect(backfill.code).toBe(0)
    // The course's stdout is unchanged: its three fields per day.
    expect(Object.keys(jsonLines(backfill.stdout)[0]!)).toEqual([
      'date',
      'rows',
      'prediction_drift',
      'num_drifted_columns',
      'share_missing_values',
    ])
    const month = await readTripFile(join(data.dir, 'green_tripdata_2022-02.parquet'))
    const expected = splitDailyWindows(month, '2022-02-01', 3).map(
      (day) =>
        windowColumnMetric(takeRows(month, day.rows), {
          column: 'fare_amount',
          metric: 'quantile',
          quantile: 0.5,
        })[0]!.value as number,
    )
    const printed = await runCli([
      'metrics',
      '--project',
      'nyc-taxi',
      '--month',
      '2022-02',
      '--metric',
      'quantile:fare_amount:0.5',
      ...common(),
    ])
    expect(printed.code).toBe(0)
    const lines = printed.stdout.trim().split('\n')
    expect(
      lines.slice(0, 3).map((line) => /quantile:fare_amount:0\.5 (\S+)/.exec(line)?.[1]),
    ).toEqual(expected.map(String))
    expect(lines[3]).toBe(
      `quantile:fare_amount:0.5: max ${Math.max(...expected)} (${['2022-02-01', '2022-02-02', '2022-02-03'][expected.indexOf(Math.max(...expected))]}), min ${Math.min(...expected)} (${['2022-02-01', '2022-02-02', '2022-02-03'][expected.indexOf(Math.min(...expected))]}) over 3 window(s)`,
    )
  }, 300_000)
})
