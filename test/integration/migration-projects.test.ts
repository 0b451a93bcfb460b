import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { loadMigrations, runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { expandGrafanaPostgresMacros } from '../support/grafana-postgres-macros'
import { runCli } from '../support/run-cli'

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  Plans?: PlanNode[]
}

/** Every node of an EXPLAIN (FORMAT JSON) plan, depth first. */
function flattenPlan(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flattenPlan)]
}

/**
 * Migration 0003 (projects, issue #11) on a database that already holds the course's numbers: a
 * store at version 2 with backfilled days and the dummy stream keeps every row, now as the built-in
 * project 'nyc-taxi' from the 'batch' source, and the course's name `dummy_metrics` serves both of
 * its shapes (the dummy stream's value1..3 and the job's three metrics).
 */
describe('migration 0003 on a version-2 store', () => {
  let server: TestPostgres
  let pool: DatabasePool
  let home: string

  const days = ['2022-02-01', '2022-02-02', '2022-02-03']
  const columns = ['prediction', 'PULocationID', 'trip_distance']

  beforeAll(async () => {
    server = await startTestPostgres()
    home = await mkdtemp(join(tmpdir(), 'driftdesk-migration-home-'))
    pool = createPool(server.url)
    const all = await loadMigrations()
    await runMigrations(
      pool,
      all.filter((migration) => migration.version <= 2),
    )
    // The rows a version-2 backfill and dummy job leave, written with version 2's columns only.
    for (const [index, day] of days.entries()) {
      await pool.query(
        `INSERT INTO daily_metrics ("timestamp", rows, prediction_drift, num_drifted_columns,
           share_missing_values, share_of_drifted_columns, dataset_drift, mae, rmse, reference_month)
         VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, '2022-01')`,
        [
          `${day} 00:00:00`,
          2000 + index,
          0.01 * (index + 1),
          index,
          0.1 + index / 100,
          index / 7,
          5 + index,
          7 + index,
        ],
      )
      for (const [position, column] of columns.entries()) {
        await pool.query(
          `INSERT INTO column_drift ("timestamp", column_name, column_type, stattest, stattest_name,
             threshold, drift_score, drift_detected, position)
           VALUES ($1, $2, 'num', 'wasserstein', 'Wasserstein distance (normed)', 0.1, $3, false, $4)`,
          [`${day} 00:00:00`, column, 0.001 * (position + 1) + index, position],
        )
        await pool.query(
          `INSERT INTO column_missing ("timestamp", column_name, missing_count, missing_share, position)
           VALUES ($1, $2, $3, $4, $5)`,
          [`${day} 00:00:00`, column, position, position / 2000, position],
        )
      }
    }
    await pool.query(
      `INSERT INTO dummy_metrics ("timestamp", value1, value2, value3)
       VALUES ('2026-01-01 10:00:00', 7, 'f9d0c2a4-5b1e-4c1a-9a77-0d3b8e8f0a11', 0.25),
              ('2026-01-01 10:00:10', 901, '0b7e6a3c-2d4f-4e5a-8b6c-7d8e9f0a1b2c', 0.75)`,
    )
    await runMigrations(pool)
  }, 120_000)

  afterAll(async () => {
    await pool?.end()
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  it('keeps every per-day row, as project nyc-taxi from the batch source', async () => {
    for (const [table, expected] of [
      ['daily_metrics', days.length],
      ['column_drift', days.length * columns.length],
      ['column_missing', days.length * columns.length],
    ] as const) {
      const { rows } = await pool.query<{ project: string; source: string; n: number }>(
        `SELECT project, source, count(*)::int AS n FROM ${table} GROUP BY 1, 2`,
      )
      expect(rows, table).toEqual([{ project: 'nyc-taxi', source: 'batch', n: expected }])
    }
    const { rows } = await pool.query<Record<string, unknown>>(
      `SELECT "timestamp"::text AS day, rows, prediction_drift, num_drifted_columns, share_missing_values,
         mae, window_end, labelled_rows, estimated_mae
       FROM daily_metrics ORDER BY "timestamp"`,
    )
    expect(rows).toEqual(
      days.map((day, index) => ({
        day: `${day} 00:00:00`,
        rows: 2000 + index,
        prediction_drift: 0.01 * (index + 1),
        num_drifted_columns: index,
        share_missing_values: 0.1 + index / 100,
        mae: 5 + index,
        window_end: null,
        labelled_rows: null,
        estimated_mae: null,
      })),
    )
    const drift = await pool.query<{ score: number }>(
      `SELECT drift_score AS score FROM column_drift
       WHERE "timestamp" = '2022-02-03' AND column_name = 'trip_distance'`,
    )
    expect(drift.rows).toEqual([{ score: 0.003 + 2 }])
  })

  it("accepts only the sources 'batch' and 'live' in every per-window table", async () => {
    // Regression: only daily_metrics had the CHECK; the per-column tables took any source.
    const rows: Record<string, string> = {
      daily_metrics: `("timestamp", rows, source) VALUES ('2022-03-01', 1, $1)`,
      column_drift: `("timestamp", column_name, source) VALUES ('2022-03-01', 'x', $1)`,
      column_missing: `("timestamp", column_name, source) VALUES ('2022-03-01', 'x', $1)`,
      column_metrics: `(project, "timestamp", column_name, metric, source) VALUES ('p', '2022-03-01', 'x', 'mean', $1)`,
    }
    for (const [table, values] of Object.entries(rows)) {
      await expect(
        pool.query(`INSERT INTO ${table} ${values}`, ['stream']),
        table,
      ).rejects.toMatchObject({ code: '23514' })
      // 'live' is accepted (rolled back: the other tests count rows).
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        await client.query(`INSERT INTO ${table} ${values}`, ['live'])
      } finally {
        await client.query('ROLLBACK')
        client.release()
      }
    }
  })

  it('lets another project store the same day beside the course (project in the key)', async () => {
    await pool.query(
      `INSERT INTO daily_metrics (project, "timestamp", rows) VALUES ('other', '2022-02-01', 5)`,
    )
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM daily_metrics WHERE "timestamp" = '2022-02-01'`,
    )
    expect(rows[0]?.n).toBe(2)
    await pool.query(`DELETE FROM daily_metrics WHERE project = 'other'`)
  })

  it('moves the dummy stream to dummy_stream; the dummy job still inserts; dummy_metrics serves both shapes', async () => {
    const result = await runCli([
      'dummy',
      '--interval',
      '0.1',
      '--count',
      '1',
      '--database-url',
      server.url,
      '--home',
      home,
    ])
    expect(result.code, result.stderr).toBe(0)
    const stream = await pool.query<{ value1: number; value3: number }>(
      'SELECT value1, value3 FROM dummy_stream ORDER BY "timestamp"',
    )
    expect(stream.rows).toHaveLength(3)
    expect(stream.rows.slice(0, 2)).toEqual([
      { value1: 7, value3: 0.25 },
      { value1: 901, value3: 0.75 },
    ])
    const kind = await pool.query<{ table_type: string }>(
      `SELECT table_type FROM information_schema.tables WHERE table_name = 'dummy_metrics'`,
    )
    expect(kind.rows).toEqual([{ table_type: 'VIEW' }])

    // The course saved no panel for section 5.5; a panel over the dummy stream takes the form of its
    // saved ones (Grafana's code editor), exactly, with no added WHERE: the three dummy rows.
    const dummySql = expandGrafanaPostgresMacros(
      'SELECT\n  "timestamp" AS "time",\n  value1\nFROM dummy_metrics\nWHERE\n  $__timeFilter("timestamp")\nORDER BY 1',
      { from: new Date('2026-01-01T00:00:00Z'), to: new Date(Date.now() + 3_600_000) },
    ).sql
    const dummy = await pool.query<{ value1: number | null }>(dummySql)
    expect(dummy.rows).toHaveLength(3)
    expect(dummy.rows.slice(0, 2).map((row) => row.value1)).toEqual([7, 901])
    // The course's final dashboard query (data_drift.json's time-filtered form), exactly: every
    // migrated day with its stored values.
    const metricsSql = expandGrafanaPostgresMacros(
      'SELECT\n  "timestamp" AS "time",\n  prediction_drift\nFROM dummy_metrics\nWHERE\n  $__timeFilter("timestamp")\nORDER BY 1',
      { from: new Date('2022-02-01T00:00:00Z'), to: new Date('2022-03-01T00:00:00Z') },
    ).sql
    const metrics = await pool.query<{ time: string; prediction_drift: number }>(metricsSql)
    expect(metrics.rows).toEqual(
      days.map((day, index) => ({ time: `${day} 00:00:00`, prediction_drift: 0.01 * (index + 1) })),
    )
    const all = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dummy_metrics')
    expect(all.rows[0]?.n).toBe(3 + days.length)
  }, 60_000)

  it("serves the course's LIMIT 50 builder query the metric days first, even with 60 dummy rows", async () => {
    // Regression: with the dummy branch first, the course's "Prediction Drift" panel (no time filter,
    // no ORDER BY) got 50 dummy rows and no metric at all.
    await pool.query(
      `INSERT INTO dummy_stream ("timestamp", value1, value2, value3)
       SELECT now() - n * interval '10 seconds', n, 'x', 0.5 FROM generate_series(1, 60) AS n`,
    )
    const course = 'SELECT prediction_drift, "timestamp" FROM dummy_metrics LIMIT 50 '
    // A plain Append (never Merge Append or Parallel Append) runs its branches in order.
    const plan = await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `EXPLAIN (FORMAT JSON) ${course}`,
    )
    const nodes = flattenPlan(plan.rows[0]?.['QUERY PLAN'][0]?.Plan as PlanNode)
    expect(nodes.filter((node) => /Append/.test(node['Node Type']))).toEqual([
      expect.objectContaining({ 'Node Type': 'Append' }),
    ])
    const append = nodes.find((node) => node['Node Type'] === 'Append') as PlanNode
    const firstRelations = flattenPlan(append.Plans?.[0] as PlanNode).map(
      (node) => node['Relation Name'],
    )
    expect(firstRelations).toContain('daily_metrics')
    expect(firstRelations).not.toContain('dummy_stream')
    const { rows } = await pool.query<{ prediction_drift: number | null; timestamp: string }>(
      course,
    )
    expect(rows).toHaveLength(50)
    expect(rows.slice(0, days.length)).toEqual(
      days.map((day, index) => ({
        prediction_drift: 0.01 * (index + 1),
        timestamp: `${day} 00:00:00`,
      })),
    )
    expect(rows.slice(days.length).every((row) => row.prediction_drift === null)).toBe(true)
  })

  it("gives the homework's quantile_50 (fare_amount median, batch) in dummy_metrics, NULL where not computed", async () => {
    await pool.query(
      `INSERT INTO column_metrics (project, source, "timestamp", column_name, metric, parameter, value)
       VALUES ('nyc-taxi', 'batch', '2022-02-01', 'fare_amount', 'quantile', 0.5, 12.5),
              ('nyc-taxi', 'live', '2022-02-02', 'fare_amount', 'quantile', 0.5, 900),
              ('nyc-taxi', 'batch', '2022-02-02', 'fare_amount', 'quantile', 0.9, 901),
              ('nyc-taxi', 'batch', '2022-02-02', 'trip_distance', 'quantile', 0.5, 902),
              ('other', 'batch', '2022-02-03', 'fare_amount', 'quantile', 0.5, 903)`,
    )
    const { rows } = await pool.query<{ day: string; quantile_50: number | null }>(
      `SELECT "timestamp"::text AS day, quantile_50 FROM dummy_metrics
       WHERE "timestamp" < '2023-01-01' ORDER BY 1`,
    )
    expect(rows).toEqual([
      { day: '2022-02-01 00:00:00', quantile_50: 12.5 },
      { day: '2022-02-02 00:00:00', quantile_50: null },
      { day: '2022-02-03 00:00:00', quantile_50: null },
    ])
    const dummy = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dummy_metrics WHERE value1 IS NOT NULL AND quantile_50 IS NOT NULL',
    )
    expect(dummy.rows[0]?.n).toBe(0)
    await pool.query('DELETE FROM column_metrics')
  })

  it("refuses the course scripts' own DDL on the view (drop table if exists dummy_metrics)", async () => {
    await expect(pool.query('DROP TABLE IF EXISTS dummy_metrics')).rejects.toThrow(
      /"dummy_metrics" is not a table/,
    )
  }, 60_000)
})
