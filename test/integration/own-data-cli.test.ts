import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isClose } from '../support/answer-keys'
import { jsonLines, runCli } from '../support/run-cli'

/**
 * The own-data front door, run as a user runs it (real child process, real files): reports and suites from
 * CSV / JSON Lines files and folders, windows, and each kind of bad input giving one clear error.
 */
const KEY_DIR = resolve(__dirname, '../../../shared/answers/evidently-0.4-own-data-fair')

let dir: string
let home: string

/** A small prediction log: a timestamp, two numbers, a text category and a boolean; 60 rows per day. */
function predictionLog(days: readonly number[], seed: number): string {
  let state = seed
  const random = (): number => (state = (state * 16807) % 2147483647) / 2147483647
  const lines = ['ts,x,y,city,flag,target,prediction']
  for (const day of days)
    for (let i = 0; i < 60; i++) {
      const ts = new Date(Date.UTC(2024, 2, day, 0, i * 20)).toISOString().slice(0, 19)
      const x = (random() * 10).toFixed(3)
      const target = (random() * 5).toFixed(2)
      lines.push(
        [
          ts,
          x,
          Math.floor(random() * 100),
          ['Lima', 'Riga', 'Oslo'][Math.floor(random() * 3)],
          random() < 0.5 ? 'True' : 'False',
          target,
          (Number(target) + random() - 0.5).toFixed(4),
        ].join(','),
      )
    }
  return `${lines.join('\n')}\n`
}

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function driftdesk(...args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--home', home])
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-own-data-'))
  home = join(dir, 'home')
  write('reference.csv', predictionLog([1, 2], 7).replace(/^ts,/, 'ts,'))
  write('current.csv', predictionLog([5, 6, 7], 11))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('own data through the CLI', () => {
  it('prints one data-drift as_dict per day window, text and boolean columns categorical', async () => {
    const result = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--datetime',
      'ts',
      '--window',
      '1d',
      '--json',
    )
    expect(result.stderr).toContain('categorical [city, flag]')
    expect(result.code).toBe(0)
    const lines = jsonLines(result.stdout)
    expect(lines.map((l) => [l.window, l.current_rows])).toEqual([
      ['2024-03-05', 60],
      ['2024-03-06', 60],
      ['2024-03-07', 60],
    ])
    const asDict = lines[0]?.as_dict as {
      metrics: { metric: string; result: Record<string, unknown> }[]
    }
    expect(asDict.metrics.map((m) => m.metric)).toEqual(['DatasetDriftMetric', 'DataDriftTable'])
    const columns = Object.keys(asDict.metrics[1]?.result.drift_by_columns as object)
    // target and prediction first, numerical sorted, then categorical; the window column is not a feature.
    expect(columns).toEqual(['target', 'prediction', 'x', 'y', 'city', 'flag'])
  })

  it('reads a folder of CSV files as one source, and JSON Lines', async () => {
    mkdirSync(join(dir, 'parts'))
    const [header, ...rows] = predictionLog([5, 6, 7], 11).trim().split('\n')
    write('parts/a.csv', `${header}\n${rows.slice(0, 100).join('\n')}\n`)
    write('parts/b.csv', `${header}\n${rows.slice(100).join('\n')}\n`)
    const jsonl = rows
      .map((row) => {
        const [ts, x, y, city, flag, target, prediction] = row.split(',')
        return JSON.stringify({
          ts,
          x: Number(x),
          y: Number(y),
          city,
          flag: flag === 'True',
          target: Number(target),
          prediction: Number(prediction),
        })
      })
      .join('\n')
    write('current.jsonl', `${jsonl}\n`)
    const whole = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--datetime',
      'ts',
      '--json',
    )
    const folder = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'parts'),
      '--datetime',
      'ts',
      '--json',
    )
    const lines = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.jsonl'),
      '--datetime',
      'ts',
      '--json',
    )
    expect(whole.code).toBe(0)
    expect(folder.stdout).toBe(whole.stdout)
    expect(lines.code).toBe(0)
    expect(lines.stdout).toBe(whole.stdout)
  })

  it('runs the data-drift test suite with --date on one day', async () => {
    const result = await driftdesk(
      'test-suite',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--datetime',
      'ts',
      '--date',
      '2024-03-06',
      '--json',
    )
    expect([0, 1]).toContain(result.code)
    const [suite] = jsonLines(result.stdout) as { tests: { name: string }[] }[]
    expect(suite?.tests[0]?.name).toBe('Share of Drifted Columns')
    expect(suite?.tests).toHaveLength(1 + 6)
  })

  it.skipIf(!existsSync(join(KEY_DIR, 'meta.json')))(
    "prints the fair answer key's data-drift as_dict for 2024-01-03 from the CSV files",
    async () => {
      const result = await driftdesk(
        'report',
        '--reference',
        join(KEY_DIR, 'reference.csv'),
        '--current',
        join(KEY_DIR, 'current.csv'),
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
        '--date',
        '2024-01-03',
        '--json',
      )
      expect(result.code).toBe(0)
      const key = JSON.parse(
        readFileSync(join(KEY_DIR, 'reports/2024-01-03/data_drift.json'), 'utf8'),
      ) as {
        as_dict: {
          metrics: { result: { drift_by_columns?: Record<string, { drift_score: number }> } }[]
        }
      }
      const [actual] = jsonLines(result.stdout) as (typeof key.as_dict)[]
      const expected = key.as_dict.metrics[1]?.result.drift_by_columns ?? {}
      const got = actual?.metrics[1]?.result.drift_by_columns ?? {}
      expect(Object.keys(got)).toEqual(Object.keys(expected))
      for (const [column, entry] of Object.entries(expected))
        expect(isClose(got[column]?.drift_score ?? NaN, entry.drift_score), column).toBe(true)
    },
  )
})

describe('bad own data gets one clear error', () => {
  it('names a mapped column missing from one file', async () => {
    const result = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--numerical',
      'x,score',
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      "The numerical feature column 'score' is missing from the reference and current data",
    )
  })

  it('names a mapped column that only one file lacks, and a file of a folder with other columns', async () => {
    const lines = predictionLog([1], 5).trim().split('\n')
    const withoutY = lines.map((line) =>
      line
        .split(',')
        .filter((_, k) => k !== 2)
        .join(','),
    )
    const path = write('reference-no-y.csv', `${withoutY.join('\n')}\n`)
    const result = await driftdesk(
      'report',
      '--reference',
      path,
      '--current',
      join(dir, 'current.csv'),
      '--numerical',
      'x,y',
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      "The numerical feature column 'y' is missing from the reference data",
    )
    mkdirSync(join(dir, 'uneven'))
    write('uneven/a.csv', predictionLog([5], 1))
    write('uneven/b.csv', `${withoutY.join('\n')}\n`)
    const folder = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'uneven'),
    )
    expect(folder.code).toBe(1)
    expect(folder.stderr).toContain(`${join(dir, 'uneven/b.csv')} lacks the column(s) 'y'`)
  })

  it('names the column, row and value of a CSV column with mixed types', async () => {
    const path = write('mixed.csv', 'a,b\n1,x\n2,y\noops,z\n')
    const result = await driftdesk(
      'report',
      '--reference',
      path,
      '--current',
      join(dir, 'current.csv'),
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `The reference data: ${path}: Column 'a', data row 3: the value 'oops' is not an integer`,
    )
    expect(result.stderr).toContain("decided by its first value '1' on row 1")
  })

  it('reports an empty window and goes on with the others', async () => {
    const path = write('gap.csv', predictionLog([5, 7], 3))
    const result = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      path,
      '--datetime',
      'ts',
      '--window',
      '1d',
      '--json',
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('Window 2024-03-06: The window 2024-03-06 has no current rows')
    const lines = jsonLines(result.stdout)
    expect(lines.map((l) => [l.window, l.current_rows, l.error === undefined])).toEqual([
      ['2024-03-05', 60, true],
      ['2024-03-06', 0, false],
      ['2024-03-07', 60, true],
    ])
  })

  it('refuses an empty reference', async () => {
    const path = write('empty.csv', 'ts,x,y,city,flag,target,prediction\n')
    const result = await driftdesk(
      'report',
      '--reference',
      path,
      '--current',
      join(dir, 'current.csv'),
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`The reference data: ${path} holds no rows`)
  })

  it('names the row and value of an unparseable timestamp in the window column', async () => {
    const path = write('bad-ts.csv', 'ts,x\n2024-03-05T00:00:00,1\n2024-13-45T00:00:00,2\n')
    const result = await driftdesk(
      'report',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      path,
      '--datetime',
      'ts',
      '--window',
      '1d',
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      "Column 'ts', data row 2: the value '2024-13-45T00:00:00' is not a timestamp",
    )
  })
})
