import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listColumnMetrics } from '../../src-main/adapters/postgres/column-metrics-repository'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { runCli } from '../support/run-cli'

/**
 * Issue #11 review: the same extra metric asked for twice (in the project file and again as `--metric`,
 * or twice on the command line, or `correlation:a:b` beside `correlation:a:b:pearson`) used to put one
 * key twice in one INSERT … ON CONFLICT DO UPDATE, which PostgreSQL refuses (21000): every window failed
 * to store. The real backfill now completes with one stored value per key. A correlation whose column
 * name holds the stored separator (',') is refused up front: 'a,b' with 'c' and 'a' with 'b,c' would
 * share the stored column 'a,b,c'.
 */
const DAYS = ['2024-05-01', '2024-05-02']

let dir: string
let database: TestPostgres
let pool: DatabasePool

function log(days: readonly string[], seed: number): string {
  let state = seed
  const random = (): number => (state = (state * 16807) % 2147483647) / 2147483647
  const lines = ['ts,a,b,target,prediction']
  for (const day of days)
    for (let i = 0; i < 24; i++) {
      const a = Math.floor(random() * 8)
      const b = Math.round(a + random() * 4)
      lines.push(`${day} ${String(i).padStart(2, '0')}:00:00,${a},${b},${i % 5},${(i % 5) + 0.5}`)
    }
  return `${lines.join('\n')}\n`
}

function projectYaml(metrics: readonly string[]): string {
  return [
    'name: dup',
    'reference: ./reference.csv',
    'current: ./current.csv',
    'mapping: {target: target, prediction: prediction, numerical_features: [a, b]}',
    'window: {column: ts, every: 1d}',
    'metrics:',
    ...metrics.map((m) => `  - ${m}`),
    '',
  ].join('\n')
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftdesk-metric-dup-'))
  await writeFile(join(dir, 'reference.csv'), log(['2024-04-01'], 3))
  await writeFile(join(dir, 'current.csv'), log(DAYS, 5))
  database = await startTestPostgres()
  pool = createPool(database.url)
}, 120_000)

afterAll(async () => {
  await pool?.end()
  await database?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('the same extra metric asked for twice', { timeout: 240_000 }, () => {
  it('backfill completes with one stored value per key (file + --metric, and --metric twice)', async () => {
    const file = join(dir, 'project.yaml')
    await writeFile(
      file,
      projectYaml([
        '{column: a, metric: mean}',
        '{column: a, metric: correlation, with: b}',
        '{column: a, metric: quantile, quantile: 0.5}',
      ]),
    )
    const result = await runCli([
      'backfill',
      '--project',
      file,
      '--metric',
      'mean:a',
      '--metric',
      'mean:a',
      '--metric',
      'correlation:a:b:pearson',
      '--metric',
      'correlation:a:b',
      '--metric',
      'quantile:a:0.5',
      '--metric',
      'quantile:a:0.9',
      '--database-url',
      database.url,
      '--home',
      join(dir, 'home'),
    ])
    expect(result.stderr).toContain('Completed')
    expect(result.code).toBe(0)
    const stored = await listColumnMetrics(pool, {
      project: 'dup',
      from: DAYS[0]!,
      to: '2024-05-03',
    })
    const keys = stored.map((row) => `${row.window} ${row.column} ${row.metric} ${row.parameter}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(stored.filter((row) => row.error !== null && row.error !== undefined)).toEqual([])
    for (const day of DAYS)
      expect(
        stored
          .filter((row) => row.window === day)
          .map((row) => `${row.column} ${row.metric} ${row.parameter}`)
          .sort(),
      ).toEqual(['a mean NaN', 'a quantile 0.5', 'a quantile 0.9', 'a,b pearson_correlation NaN'])
  })

  it('refuses a correlation whose column name holds a comma, on the command line and in the file', async () => {
    const common = ['--database-url', database.url, '--home', join(dir, 'home')]
    const flag = await runCli([
      'backfill',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--metric',
      'correlation:a,b:c',
      ...common,
    ])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/--metric 'correlation:a,b:c'.*'a,b' holds a comma.*rename/s)
    const file = join(dir, 'comma.yaml')
    await writeFile(file, projectYaml(['{column: a, metric: correlation, with: "b,c"}']))
    const project = await runCli(['backfill', '--project', file, ...common])
    expect(project.code).toBe(2)
    expect(project.stderr).toMatch(/metrics\[0\].*'b,c' holds a comma/s)
  })
})
