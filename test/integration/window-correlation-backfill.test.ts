import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listColumnMetrics } from '../../src-main/adapters/postgres/column-metrics-repository'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { isClose } from '../support/answer-keys'
import { expandGrafanaPostgresMacros } from '../support/grafana-postgres-macros'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { jsonLines, runCli } from '../support/run-cli'

/**
 * The correlation metric end to end: a project file asks for `{column: a, metric: correlation, with: b,
 * method: spearman}` and the command line adds `--metric correlation:a:b:kendall`; the real backfill
 * stores one value per day window in column_metrics (column_name 'a,b'), equal to pandas'
 * `DataFrame.corr` of that day's rows (checked with Debian's python3-pandas when installed); `metrics
 * --project FILE --metric …` prints them; the provisioned Grafana panels chart them with their SQL
 * unchanged. Day 3 has a constant `b`: stored as null with the reason, the other days go on.
 */
const PYTHON = '/usr/bin/python3'
const hasPandas =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0
const DAYS = ['2024-05-01', '2024-05-02', '2024-05-03']

let dir: string
let database: TestPostgres
let pool: DatabasePool

function log(days: readonly string[], seed: number): string {
  let state = seed
  const random = (): number => (state = (state * 16807) % 2147483647) / 2147483647
  const lines = ['ts,a,b,target,prediction']
  for (const day of days)
    for (let i = 0; i < 48; i++) {
      const a = Math.floor(random() * 8)
      // Ties in both columns; a null in b now and then; b constant on the third day.
      const b =
        day === '2024-05-03' ? '2.5' : random() < 0.1 ? '' : String(Math.round(a + random() * 4))
      const ts = `${day} ${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 === 0 ? '00' : '30'}:00`
      lines.push(`${ts},${a},${b},${i % 5},${(i % 5) + 0.5}`)
    }
  return `${lines.join('\n')}\n`
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftdesk-correlation-'))
  await writeFile(join(dir, 'reference.csv'), log(['2024-04-01'], 3))
  await writeFile(join(dir, 'current.csv'), log(DAYS, 5))
  await writeFile(
    join(dir, 'project.yaml'),
    [
      'name: corr',
      'reference: ./reference.csv',
      'current: ./current.csv',
      'mapping: {target: target, prediction: prediction, numerical_features: [a, b]}',
      'window: {column: ts, every: 1d}',
      'metrics:',
      '  - {column: a, metric: correlation, with: b, method: spearman}',
      '',
    ].join('\n'),
  )
  database = await startTestPostgres()
  pool = createPool(database.url)
}, 120_000)

afterAll(async () => {
  await pool?.end()
  await database?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe(
  'correlation per window through backfill, metrics and Grafana',
  { timeout: 240_000 },
  () => {
    it('stores each method per day under a,b, as pandas computes it, and prints it', async () => {
      const common = ['--database-url', database.url, '--home', join(dir, 'home')]
      const file = join(dir, 'project.yaml')
      const backfill = await runCli([
        'backfill',
        '--project',
        file,
        '--metric',
        'correlation:a:b:kendall',
        ...common,
      ])
      expect(backfill.stderr).toContain('Completed')
      expect(backfill.code).toBe(0)
      // The project's spearman and the flag's kendall (the flag is added to the project's metrics).
      const stored = await listColumnMetrics(pool, {
        project: 'corr',
        from: DAYS[0]!,
        to: '2024-05-04',
      })
      const byMethod = (metric: string) =>
        stored
          .filter((row) => row.metric === metric)
          .map((row) => [row.window, row.column, row.value])
      const kendall = byMethod('kendall_correlation')
      const spearman = byMethod('spearman_correlation')
      expect(kendall.map(([window, column]) => [window, column])).toEqual(
        DAYS.map((day) => [day, 'a,b']),
      )
      expect(spearman).toHaveLength(3)
      // Day 3: b is constant, so pandas gives NaN: null with the reason, not a failed window.
      expect(kendall[2]?.[2]).toBeNull()
      expect(
        stored.find((r) => r.window === DAYS[2] && r.metric === 'kendall_correlation')?.error,
      ).toMatch(/'b' is constant/)
      if (hasPandas) {
        const script = [
          'import json, sys, pandas as pd',
          'df = pd.read_csv(sys.argv[1], parse_dates=["ts"])',
          'out = {}',
          'for day, g in df.groupby(df.ts.dt.strftime("%Y-%m-%d")):',
          '    out[day] = {m: g[["a", "b"]].corr(m).loc["a", "b"] for m in ["spearman", "kendall"]}',
          'print(json.dumps({d: {m: (None if v != v else v) for m, v in r.items()} for d, r in out.items()}))',
        ].join('\n')
        const pandas = JSON.parse(
          execFileSync(PYTHON, ['-c', script, join(dir, 'current.csv')], { encoding: 'utf8' }),
        ) as Record<string, Record<string, number | null>>
        for (const [rows, method] of [
          [kendall, 'kendall'],
          [spearman, 'spearman'],
        ] as const)
          for (const [window, , value] of rows) {
            const want = pandas[window as string]?.[method]
            if (want === null || want === undefined) expect(value).toBeNull()
            else expect(isClose(value as number, want, 1e-12, 0), `${window} ${method}`).toBe(true)
          }
      } else {
        for (const [, , value] of kendall.slice(0, 2))
          expect(Math.abs(value as number)).toBeLessThanOrEqual(1)
      }

      const printed = await runCli([
        'metrics',
        '--project',
        file,
        '--metric',
        'correlation:a:b:kendall',
        '--metric',
        'correlation:a:b:spearman',
        '--json',
        ...common,
      ])
      expect(printed.code).toBe(0)
      const lines = jsonLines(printed.stdout)
      expect(lines.map((line) => line.date)).toEqual(DAYS)
      expect(lines[0]?.metrics).toEqual({
        'correlation:a:b:kendall': kendall[0]?.[2],
        'correlation:a:b:spearman': spearman[0]?.[2],
      })
    })

    it('the provisioned extra-metrics panels chart it with their SQL unchanged', async () => {
      const dashboard = JSON.parse(
        readFileSync(resolve(__dirname, '../../dashboards/driftdesk-monitoring.json'), 'utf8'),
      ) as { panels: { title: string; targets?: { rawSql?: string }[] }[] }
      const sql = (title: string): string => {
        const raw = dashboard.panels.find((panel) => panel.title === title)?.targets?.[0]?.rawSql
        expect(raw, title).toBeDefined()
        return expandGrafanaPostgresMacros((raw as string).split('$project').join('corr'), {
          from: new Date('2024-05-01T00:00:00Z'),
          to: new Date('2024-05-04T00:00:00Z'),
        }).sql
      }
      const series = await pool.query<{ metric: string }>(sql('Extra metrics per window'))
      expect(new Set(series.rows.map((row) => row.metric))).toEqual(
        new Set(['a,b kendall_correlation', 'a,b spearman_correlation']),
      )
      // Two days with a value per method (day 3 is null and left out of the series).
      expect(series.rows).toHaveLength(4)
      const table = await pool.query<Record<string, unknown>>(
        sql('Extra metrics over the time range'),
      )
      expect(table.rows.map((row) => [row.column, row.metric, row.windows, row.errors])).toEqual([
        ['a,b', 'kendall_correlation', '2', '1'],
        ['a,b', 'spearman_correlation', '2', '1'],
      ])
    })
  },
)
