import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { saveDayMetrics } from '../../src-main/adapters/postgres/metrics-repository'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import {
  findProject,
  PER_PROJECT_TABLES,
} from '../../src-main/adapters/postgres/project-repository'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { validateProjectFile } from '../../src-main/services/projects/project-file'
import {
  ProjectNotFoundError,
  resolveProject,
} from '../../src-main/services/projects/resolve-project'
import type { DayProvenance } from '../../src-main/services/pipeline/run-store'
import type { DayMetrics } from '../../src-main/shared/domain/metrics'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { jsonLines, runCli, startCli } from '../support/run-cli'
import { syntheticTaxiDataDir } from '../support/taxi-data'

/**
 * `project add|list|show|remove` and `report`/`test-suite --project NAME`, run as a learner runs them
 * (tsx child processes) against a real PostgreSQL, on real CSV files in a temporary folder.
 */
let dir: string
let home: string
let database: TestPostgres
let pool: DatabasePool

function log(days: readonly number[]): string {
  const lines = ['when,amount,segment,target,prediction']
  for (const day of days)
    for (let i = 0; i < 30; i++)
      lines.push(
        `2024-06-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00,${(i * 1.7 + day) % 13},${['a', 'b', 'c'][i % 3]},${i % 7},${(i % 7) + 0.25}`,
      )
  return `${lines.join('\n')}\n`
}

const PROJECT = `name: shop
reference: ./data/reference.csv
current: ./data/current.csv
mapping:
  target: target
  prediction: prediction
  numerical_features: [amount]
  categorical_features: [segment]
window:
  column: when
  every: 1d
options:
  num_stattest: wasserstein
`

function cli(...args: string[]): ReturnType<typeof runCli> {
  return runCli([...args, '--database-url', database.url, '--home', home])
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-project-cli-'))
  home = join(dir, 'home')
  mkdirSync(join(dir, 'data'))
  writeFileSync(join(dir, 'data', 'reference.csv'), log([1, 2, 3]))
  writeFileSync(join(dir, 'data', 'current.csv'), log([10, 11]))
  writeFileSync(join(dir, 'shop.yaml'), PROJECT)
  database = await startTestPostgres()
  pool = createPool(database.url)
  await runMigrations(pool)
}, 120_000)

afterAll(async () => {
  await pool?.end()
  await database?.stop()
  rmSync(dir, { recursive: true, force: true })
})

// Each test spawns several CLIs (a few seconds each under tsx, more on a loaded machine).
describe('project add', { timeout: 180_000 }, () => {
  it('refuses a mapped column one file lacks, naming the field, column and file; stores nothing', async () => {
    const file = join(dir, 'typo.yaml')
    writeFileSync(file, PROJECT.replace('name: shop', 'name: typo').replace('[amount]', '[amout]'))
    const result = await cli('project', 'add', file)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `mapping.numerical_features[0] names the column 'amout', but ${join(dir, 'data', 'reference.csv')} (reference data) has no such column; it has when, amount, segment, target, prediction`,
    )
    expect(result.stderr).toContain(`${join(dir, 'data', 'current.csv')} (current data)`)
    // Checked before the database opens: nothing was stored (and PostgreSQL was not even needed).
    expect(result.stderr).not.toContain('Stored')
    // The window column is checked in the current data.
    writeFileSync(
      file,
      PROJECT.replace('name: shop', 'name: typo').replace('column: when', 'column: at'),
    )
    const window = await cli('project', 'add', file)
    expect(window.code).toBe(1)
    expect(window.stderr).toContain(`window.column names the column 'at'`)
    expect(window.stderr).not.toContain('(reference data)')
  })

  it('refuses a missing data file, a file failing the schema, and the name nyc-taxi', async () => {
    const file = join(dir, 'broken.yaml')
    writeFileSync(file, PROJECT.replace('current.csv', 'currnet.csv'))
    const missing = await cli('project', 'add', file)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(
      `The data path ${join(dir, 'data', 'currnet.csv')} does not exist`,
    )
    expect(missing.stderr).toContain("Fix 'current' in the project file")

    writeFileSync(file, PROJECT.replace('every: 1d', 'every: daily'))
    const invalid = await cli('project', 'add', file)
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toContain(`${file} is not a valid driftdesk project`)
    expect(invalid.stderr).toContain("field 'window.every' must match pattern")

    writeFileSync(file, PROJECT.replace('name: shop', 'name: nyc-taxi'))
    const reserved = await cli('project', 'add', file)
    expect(reserved.code).toBe(1)
    expect(reserved.stderr).toContain("the name 'nyc-taxi' is the built-in course project")

    const none = await cli('project', 'add', join(dir, 'nope.yaml'))
    expect(none.code).toBe(1)
    expect(none.stderr).toContain(`The project file ${join(dir, 'nope.yaml')} does not exist.`)
    expect(await findProject(pool, 'nyc-taxi')).toBeUndefined()
  })

  it('stores the project with absolute paths; a second add needs --replace', async () => {
    const added = await cli('project', 'add', join(dir, 'shop.yaml'))
    expect(added.stderr).toContain("Stored project 'shop'")
    expect(added.code).toBe(0)
    const stored = await findProject(pool, 'shop')
    expect(stored?.definition).toMatchObject({
      name: 'shop',
      reference: join(dir, 'data', 'reference.csv'),
      current: join(dir, 'data', 'current.csv'),
      window: { column: 'when', every: '1d' },
      options: { num_stattest: 'wasserstein' },
    })

    const again = await cli('project', 'add', join(dir, 'shop.yaml'))
    expect(again.code).toBe(1)
    expect(again.stderr).toContain("A project named 'shop' is already stored; pass --replace")

    writeFileSync(join(dir, 'shop-weekly.yaml'), PROJECT.replace('every: 1d', 'every: 7d'))
    const replaced = await cli('project', 'add', join(dir, 'shop-weekly.yaml'), '--replace')
    expect(replaced.code).toBe(0)
    expect(replaced.stderr).toContain("Replaced project 'shop'")
    expect((await findProject(pool, 'shop'))?.definition.window?.every).toBe('7d')
    await cli('project', 'add', join(dir, 'shop.yaml'), '--replace')
  })
})

describe('project add of one new name from two connections', { timeout: 180_000 }, () => {
  it('stores it once: the second add says it is already stored and changes nothing', async () => {
    // Regression: SELECT ... FOR UPDATE locks no row that does not exist yet, so the second of two
    // concurrent adds also said "Stored" and silently replaced the first one's definition.
    const file = join(dir, 'race.yaml')
    writeFileSync(file, PROJECT.replace('name: shop', 'name: race'))
    const first = await pool.connect()
    try {
      // The first add, between its insert and its commit.
      await first.query('BEGIN')
      await first.query(`INSERT INTO projects (name, definition) VALUES ('race', $1)`, [
        JSON.stringify({ name: 'race', reference: '/first/ref.csv', current: '/first/cur.csv' }),
      ])
      const second = startCli([
        'project',
        'add',
        file,
        '--database-url',
        database.url,
        '--home',
        home,
      ])
      // Poll until the second add waits on the first one's uncommitted row, then commit the first.
      for (;;) {
        const waiting = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO projects%'`,
        )
        if ((waiting.rows[0]?.n ?? 0) > 0) break
        if (second.child.exitCode !== null) break
        await sleep(50)
      }
      await first.query('COMMIT')
      const result = await second.done
      expect(result.stderr).not.toContain('Stored')
      expect(result.stderr).toContain("A project named 'race' is already stored")
      expect(result.code).toBe(1)
      expect((await findProject(pool, 'race'))?.definition.reference).toBe('/first/ref.csv')
    } finally {
      first.release()
      await pool.query(`DELETE FROM projects WHERE name = 'race'`)
    }
  })
})

describe('project list and show', { timeout: 180_000 }, () => {
  it('lists the built-in nyc-taxi first, then the stored projects with their sources and window', async () => {
    const text = await cli('project', 'list')
    expect(text.code).toBe(0)
    expect(text.stdout.startsWith('nyc-taxi  (built-in')).toBe(true)
    expect(text.stdout).toContain(
      `shop\n  reference  ${join(dir, 'data', 'reference.csv')}\n  current    ${join(dir, 'data', 'current.csv')}\n  window     1d by when\n  stored     0 batch window(s)\n`,
    )
    const json = jsonLines((await cli('project', 'list', '--json')).stdout)
    expect(json.map((row) => [row.name, row.built_in])).toEqual([
      ['nyc-taxi', true],
      ['shop', false],
    ])
    expect(json[1]).toMatchObject({
      reference: join(dir, 'data', 'reference.csv'),
      window: { column: 'when', every: '1d' },
      stored_windows: { batch: 0, live: 0 },
    })
  })

  it('shows a stored project as a project file that validates and reports the same as the original', async () => {
    const yaml = await cli('project', 'show', 'shop')
    expect(yaml.code).toBe(0)
    const shown = validateProjectFile(parse(yaml.stdout), 'project show')
    const json = await cli('project', 'show', 'shop', '--json')
    expect(JSON.parse(json.stdout)).toEqual(shown)
    expect(shown).toEqual((await findProject(pool, 'shop'))?.definition)
    // --output writes the file itself (`> file` through npm would also catch npm's banner).
    const copy = join(dir, 'elsewhere', 'shop.yaml')
    const noFolder = await cli('project', 'show', 'shop', '--output', copy)
    expect(noFolder.code).toBe(2)
    expect(noFolder.stderr).toContain(`the folder ${join(dir, 'elsewhere')} does not exist`)
    mkdirSync(join(dir, 'elsewhere'))
    const written = await cli('project', 'show', 'shop', '--output', copy)
    expect(written.code, written.stderr).toBe(0)
    expect(written.stdout).toBe('')
    expect(written.stderr).toContain(`Wrote project 'shop' to ${copy}`)
    expect(readFileSync(copy, 'utf8')).toBe(yaml.stdout)
    const fromCopy = await runCli(['report', '--project', copy, '--json'])
    const fromOriginal = await runCli(['report', '--project', join(dir, 'shop.yaml'), '--json'])
    expect(fromCopy.code).toBe(0)
    expect(fromCopy.stdout).toBe(fromOriginal.stdout)
  })

  it('shows what the built-in course is, and says a missing name clearly', async () => {
    const course = await cli('project', 'show', 'nyc-taxi')
    expect(course.code).toBe(0)
    expect(parse(course.stdout)).toMatchObject({
      name: 'nyc-taxi',
      built_in: true,
      mapping: { target: 'duration_min', prediction: 'prediction' },
      window: { column: 'lpep_pickup_datetime', every: '1d' },
    })
    const missing = await cli('project', 'show', 'nope')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("No project named 'nope' is stored; `driftdesk project list`")
  })
})

describe('report and test-suite --project NAME', { timeout: 180_000 }, () => {
  it("give a stored project's report exactly as its file gives it, per window and for one day", async () => {
    const byName = await cli('report', '--project', 'shop', '--json')
    // A file needs no database: an unreachable --database-url is never opened.
    const byFile = await runCli([
      'report',
      '--project',
      join(dir, 'shop.yaml'),
      '--json',
      '--database-url',
      'postgres://driftdesk@127.0.0.1:1/nowhere',
    ])
    expect(byName.code, byName.stderr).toBe(0)
    expect(jsonLines(byName.stdout).map((line) => line.window)).toEqual([
      '2024-06-10',
      '2024-06-11',
    ])
    expect(byName.stdout).toBe(byFile.stdout)
    // The project's options reach the report (num_stattest: wasserstein).
    expect(byName.stdout).toContain('Wasserstein distance (normed)')

    const suiteByName = await cli(
      'test-suite',
      '--project',
      'shop',
      '--date',
      '2024-06-11',
      '--json',
    )
    const suiteByFile = await runCli([
      'test-suite',
      '--project',
      join(dir, 'shop.yaml'),
      '--date',
      '2024-06-11',
      '--json',
    ])
    expect(suiteByName.stdout).not.toBe('')
    expect(suiteByName.stdout).toBe(suiteByFile.stdout)
    expect(suiteByName.code).toBe(suiteByFile.code)
  })

  it('refuses names that look like files, and a bare NAME that is both a file here and a stored project', async () => {
    // Regression: `name: shop.yaml` was stored, but --project shop.yaml is always read as a file.
    for (const name of ['shop.yaml', 'shop.YML', 'shop.json'])
      expect(() => validateProjectFile({ ...parse(PROJECT), name }, 'named.yaml')).toThrow(
        /field 'name' .*not ending in \.yaml, \.yml or \.json/,
      )
    expect(validateProjectFile({ ...parse(PROJECT), name: 'shop.yaml.v2' }, 'x').name).toBe(
      'shop.yaml.v2',
    )
    // Regression: a file named like a stored project silently won. 'shop' is stored (project add).
    writeFileSync(join(dir, 'shop'), PROJECT.replace('name: shop', 'name: shop-file'))
    const before = process.cwd()
    process.chdir(dir)
    try {
      const openStore = (): Promise<DatabasePool> => Promise.resolve(pool)
      await expect(resolveProject('shop', openStore)).rejects.toThrow(
        `'shop' is ambiguous: it is both the file ${join(dir, 'shop')} and a stored project. Write ./shop to use the file`,
      )
      await expect(resolveProject('./shop', openStore)).resolves.toMatchObject({
        name: 'shop-file',
      })
      // A file of a name no project has is the file, as before.
      writeFileSync(join(dir, 'lonely'), PROJECT.replace('name: shop', 'name: lonely'))
      await expect(resolveProject('lonely', openStore)).resolves.toMatchObject({ name: 'lonely' })
    } finally {
      process.chdir(before)
    }
  })

  it('says an unknown project name clearly, and refuses own-data flags with nyc-taxi', async () => {
    const unknown = await cli('report', '--project', 'nope', '--json')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("No project is named 'nope'.")
    // The CLI words the advice; the service (regression: it wrote CLI advice) throws a typed error.
    expect(unknown.stderr).toContain('`driftdesk project list` shows the stored ones')
    const error = await resolveProject('nope', () => Promise.resolve(pool)).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ProjectNotFoundError)
    expect(error).toMatchObject({ projectName: 'nope', message: "No project is named 'nope'." })
    const mixed = await cli(
      'report',
      '--project',
      'nyc-taxi',
      '--window',
      '1d',
      '--date',
      '2022-02-02',
    )
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toContain('--project nyc-taxi is the course')
  })

  it('--project nyc-taxi is the course: the same report and suite as without --project', async () => {
    const dataDir = await syntheticTaxiDataDir()
    const course = (...args: string[]): ReturnType<typeof runCli> =>
      runCli([...args, '--home', home, '--data-dir', dataDir])
    const plain = await course('report', '--date', '2022-02-02', '--preset', 'course', '--json')
    const named = await course(
      'report',
      '--project',
      'nyc-taxi',
      '--date',
      '2022-02-02',
      '--preset',
      'course',
      '--json',
    )
    expect(plain.code, plain.stderr).toBe(0)
    expect(named.code, named.stderr).toBe(0)
    expect(named.stdout).toBe(plain.stdout)
    const suite = await course('test-suite', '--date', '2022-02-02', '--json')
    const namedSuite = await course(
      'test-suite',
      '--project',
      'nyc-taxi',
      '--date',
      '2022-02-02',
      '--json',
    )
    expect(namedSuite.stdout).not.toBe('')
    expect(namedSuite.stdout).toBe(suite.stdout)
    expect(namedSuite.code).toBe(suite.code)
  }, 240_000)
})

describe('project remove', { timeout: 180_000 }, () => {
  function day(date: string): DayMetrics {
    return {
      date,
      rows: 30,
      predictionDrift: 0.1,
      numDriftedColumns: 0,
      shareOfDriftedColumns: 0,
      datasetDrift: false,
      shareMissingValues: 0,
      missingByColumn: { amount: 0 },
      mae: 0.25,
      rmse: 0.25,
      columns: [],
    }
  }
  const provenance: DayProvenance = {
    referenceMonth: null,
    runId: null,
    inputsFingerprint: null,
    project: 'shop',
  }

  it('refuses nyc-taxi and unknown names', async () => {
    const course = await cli('project', 'remove', 'nyc-taxi')
    expect(course.code).toBe(2)
    expect(course.stderr).toContain('nyc-taxi is the built-in course project; it cannot be removed')
    const unknown = await cli('project', 'remove', 'nope')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("No project named 'nope' is stored")
  })

  it('keeps the stored windows unless --with-metrics, and says how many', async () => {
    await saveDayMetrics(pool, day('2024-06-10'), provenance)
    await saveDayMetrics(pool, day('2024-06-11'), provenance)
    const listed = jsonLines((await cli('project', 'list', '--json')).stdout)
    expect(listed.find((row) => row.name === 'shop')?.stored_windows).toEqual({ batch: 2, live: 0 })

    const kept = await cli('project', 'remove', 'shop')
    expect(kept.code).toBe(0)
    expect(kept.stderr).toContain("Removed project 'shop'; its 2 stored window(s) remain")
    expect(await findProject(pool, 'shop')).toBeUndefined()
    const count = async (): Promise<number> =>
      (
        await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM daily_metrics WHERE project = 'shop'`,
        )
      ).rows[0]?.n ?? -1
    expect(await count()).toBe(2)

    // Orphaned windows: no definition, but --with-metrics removes them.
    const orphan = await cli('project', 'remove', 'shop')
    expect(orphan.code).toBe(1)
    expect(orphan.stderr).toContain(
      "No project named 'shop' is stored, but rows are stored under that name (daily_metrics 2",
    )
    await cli('project', 'add', join(dir, 'shop.yaml'))
    // Regression: --with-metrics left service_health behind. Rows in every per-project table, for
    // shop and for another project that must keep its own.
    for (const project of ['shop', 'keep']) {
      await saveDayMetrics(
        pool,
        {
          ...day('2024-06-12'),
          columns: [
            {
              column: 'amount',
              columnType: 'num',
              stattest: 'ks',
              stattestName: 'K-S p_value',
              threshold: 0.05,
              driftScore: 0.5,
              driftDetected: false,
            },
          ],
        },
        { ...provenance, project },
      )
      await pool.query(
        `INSERT INTO column_metrics (project, "timestamp", column_name, metric, parameter, value)
         VALUES ($1, '2024-06-12', 'amount', 'quantile', 0.5, 3)`,
        [project],
      )
      await pool.query(
        `INSERT INTO service_health (project, "timestamp", window_end, requests, errors)
         VALUES ($1, '2024-06-12 10:00', '2024-06-12 11:00', 10, 0),
                ($1, '2024-06-12 11:00', '2024-06-12 12:00', 10, 1)`,
        [project],
      )
      await pool.query(
        `INSERT INTO prediction_contributions (project, "timestamp", feature, contribution,
           coefficient, reference_mean, current_mean, observed_shift)
         VALUES ($1, '2024-06-12', 'amount', 0.1, 1, 2, 2.1, 0.1)`,
        [project],
      )
      await pool.query(
        `INSERT INTO column_outliers (project, "timestamp", column_name,
           reference_outside_fences_share, lower_fence, upper_fence, value_count)
         VALUES ($1, '2024-06-12', 'amount', 0.01, 0, 10, 100)`,
        [project],
      )
      await pool.query(
        `INSERT INTO segment_metrics (project, "timestamp", segment_column, segment, rows,
           reference_rows)
         VALUES ($1, '2024-06-12', 'hour', '10', 5, 7)`,
        [project],
      )
    }
    const rowsOf = async (project: string): Promise<Record<string, number>> => {
      const counts: Record<string, number> = {}
      for (const table of PER_PROJECT_TABLES)
        counts[table] =
          (
            await pool.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${table} WHERE project = $1`,
              [project],
            )
          ).rows[0]?.n ?? -1
      return counts
    }
    const expected = {
      daily_metrics: 3,
      column_drift: 1,
      column_missing: 3,
      column_metrics: 1,
      service_health: 2,
      prediction_contributions: 1,
      column_outliers: 1,
      segment_metrics: 1,
    }
    expect(PER_PROJECT_TABLES).toEqual(Object.keys(expected))
    expect(await rowsOf('shop')).toEqual(expected)
    const removed = await cli('project', 'remove', 'shop', '--with-metrics')
    expect(removed.code).toBe(0)
    expect(removed.stderr).toContain(
      "Removed project 'shop'; removed its 3 stored window(s) and every row stored under the name: daily_metrics 3, column_drift 1, column_missing 3, column_metrics 1, service_health 2, prediction_contributions 1, column_outliers 1, segment_metrics 1 (13 rows in all).",
    )
    expect(await rowsOf('shop')).toEqual({
      daily_metrics: 0,
      column_drift: 0,
      column_missing: 0,
      column_metrics: 0,
      service_health: 0,
      prediction_contributions: 0,
      column_outliers: 0,
      segment_metrics: 0,
    })
    expect(await rowsOf('keep')).toEqual({ ...expected, daily_metrics: 1, column_missing: 1 })
    expect(await count()).toBe(0)
    expect(readFileSync(join(dir, 'shop.yaml'), 'utf8')).toBe(PROJECT)
  })
})
