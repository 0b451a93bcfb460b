import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isClose } from '../support/answer-keys'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'
import { jsonLines, runCli } from '../support/run-cli'
import { realTaxiDataDir, taxiDataDir } from '../support/taxi-data'

interface EstimateJson {
  month: string
  reference_month: string
  reference_mae: number
  days: {
    date: string
    rows: number
    estimated_mae: number
    estimated_mae_lower: number
    estimated_mae_upper: number
    realized_mae: number | null
  }[]
  estimate_deviation: number
  naive_deviation: number
  improvement: number
  band_coverage: number
}

/**
 * Performance without labels (issue 13) through the front doors, as child processes: a real backfill
 * against a real PostgreSQL stores each day's estimated MAE and band, and `estimate --json` (which needs
 * no database) prints the same numbers for the same days — both fit the estimator with the same seed on
 * the same held-out trips, so they agree to floating-point precision.
 */
describe('estimated MAE: stored by the backfill, printed by the estimate command', () => {
  let server: TestPostgres
  let client: pg.Client
  let home: string
  let data: { dir: string; real: boolean }
  let backfillDays: Record<string, unknown>[]
  let estimate: EstimateJson

  beforeAll(async () => {
    ;[server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    home = await mkdtemp(join(tmpdir(), 'driftdesk-estimate-home-'))
    client = new pg.Client({ connectionString: server.url })
    await client.connect()
    const common = ['--data-dir', data.dir, '--home', home]
    const backfill = await runCli([
      'backfill',
      '--month',
      '2022-03',
      '--days',
      '3',
      '--reference-month',
      '2022-01',
      '--workers',
      '1',
      '--estimate-mae',
      '--json',
      '--database-url',
      server.url,
      ...common,
    ])
    expect(backfill.stderr).toContain('Completed')
    expect(backfill.code).toBe(0)
    backfillDays = jsonLines(backfill.stdout)
    const estimated = await runCli(['estimate', '--month', '2022-03', '--json', ...common])
    expect(estimated.code, estimated.stderr).toBe(0)
    estimate = JSON.parse(estimated.stdout) as EstimateJson
  }, 600_000)

  afterAll(async () => {
    await client?.end()
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  it('stores estimated_mae inside its band in daily_metrics, equal to what estimate prints', async () => {
    const { rows } = await client.query<{
      date: string
      mae: number
      estimated_mae: number | null
      estimated_mae_lower: number | null
      estimated_mae_upper: number | null
    }>(
      `SELECT to_char("timestamp", 'YYYY-MM-DD') AS date, mae, estimated_mae, estimated_mae_lower,
         estimated_mae_upper FROM daily_metrics ORDER BY "timestamp"`,
    )
    expect(rows.map((row) => row.date)).toEqual(['2022-03-01', '2022-03-02', '2022-03-03'])
    rows.forEach((row, i) => {
      const printed = estimate.days[i]!
      expect(printed.date).toBe(row.date)
      expect(row.estimated_mae).not.toBeNull()
      expect(row.estimated_mae_lower!).toBeLessThan(row.estimated_mae!)
      expect(row.estimated_mae_upper!).toBeGreaterThan(row.estimated_mae!)
      expect(isClose(row.estimated_mae!, printed.estimated_mae)).toBe(true)
      expect(isClose(row.estimated_mae_lower!, printed.estimated_mae_lower)).toBe(true)
      expect(isClose(row.estimated_mae_upper!, printed.estimated_mae_upper)).toBe(true)
      // The realized MAE the command compares with is the one the backfill stores.
      expect(isClose(row.mae, printed.realized_mae!)).toBe(true)
    })
    // backfill --json prints them too.
    expect(backfillDays.map((day) => day.estimated_mae)).toEqual(
      rows.map((row) => row.estimated_mae),
    )
  })

  it('estimates only when asked: a backfill without --estimate-mae stores no estimate', async () => {
    const plain = await runCli([
      'backfill',
      '--date',
      '2022-03-04',
      '--days',
      '1',
      '--reference-month',
      '2022-01',
      '--workers',
      '1',
      '--json',
      '--database-url',
      server.url,
      '--data-dir',
      data.dir,
      '--home',
      home,
    ])
    expect(plain.code, plain.stderr).toBe(0)
    const { rows } = await client.query<{ estimated_mae: number | null; mae: number | null }>(
      `SELECT estimated_mae, mae FROM daily_metrics WHERE "timestamp" = '2022-03-04'`,
    )
    expect(rows).toHaveLength(1)
    expect(rows[0]!.mae).not.toBeNull()
    expect(rows[0]!.estimated_mae).toBeNull()
    await client.query(`DELETE FROM daily_metrics WHERE "timestamp" = '2022-03-04'`)
  })

  it('metrics shows the realized and estimated MAE with the band', async () => {
    const result = await runCli([
      'metrics',
      '--month',
      '2022-03',
      '--database-url',
      server.url,
      '--home',
      home,
    ])
    expect(result.code).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/mae \d+\.\d\d {2}estimated_mae \d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]/)
  })

  it('prints every day of the month and deviations that follow from them', () => {
    expect(estimate.month).toBe('2022-03')
    expect(estimate.reference_month).toBe('2022-01')
    expect(estimate.days).toHaveLength(31)
    const labelled = estimate.days.filter((day) => day.realized_mae !== null)
    const mean = (values: number[]): number =>
      values.reduce((sum, value) => sum + value, 0) / values.length
    expect(
      isClose(
        estimate.estimate_deviation,
        mean(labelled.map((day) => Math.abs(day.estimated_mae - day.realized_mae!))),
      ),
    ).toBe(true)
    expect(
      isClose(
        estimate.naive_deviation,
        mean(labelled.map((day) => Math.abs(estimate.reference_mae - day.realized_mae!))),
      ),
    ).toBe(true)
    for (const day of estimate.days) {
      expect(day.estimated_mae_lower).toBeLessThanOrEqual(day.estimated_mae)
      expect(day.estimated_mae_upper).toBeGreaterThan(day.estimated_mae)
    }
  })

  it.runIf(realTaxiDataDir() !== null)('beats the naive estimate on the real March 2022', () => {
    expect(estimate.estimate_deviation).toBeLessThan(estimate.naive_deviation)
  })

  it('prints a readable table in text mode, one line per day, then both deviations', async () => {
    // The estimator saved by the backfill above is reused, so this run only reads and predicts.
    const result = await runCli([
      'estimate',
      '--month',
      '2022-03',
      '--data-dir',
      data.dir,
      '--home',
      home,
    ])
    expect(result.code, result.stderr).toBe(0)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toMatch(
      /^MAE estimated without labels for 2022-03, model and estimator from 2022-01/,
    )
    const dayLines = lines.filter((line) => /^2022-03-\d\d /.test(line))
    expect(dayLines).toHaveLength(31)
    const first = estimate.days[0]!
    expect(dayLines[0]).toContain(first.estimated_mae.toFixed(2))
    expect(dayLines[0]).toContain(
      `[${first.estimated_mae_lower.toFixed(2)}, ${first.estimated_mae_upper.toFixed(2)}]`,
    )
    expect(result.stdout).toContain(
      `mean |estimated - realized|: ${estimate.estimate_deviation.toFixed(3)} min over 31 days`,
    )
    expect(result.stdout).toContain(`: ${estimate.naive_deviation.toFixed(3)} min`)
  })

  it('refuses a malformed month with the usage and exit code 2', async () => {
    const result = await runCli(['estimate', '--month', '2022-3', '--home', home])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--month YYYY-MM is required (got '2022-3')")
  })
})
