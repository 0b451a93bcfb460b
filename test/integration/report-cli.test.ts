import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticTaxiDataDir } from '../support/taxi-data'

/** The `report` and `test-suite` front doors, run as a user runs them (tsx, real files, a fresh home). */
const repoRoot = resolve(__dirname, '../..')

describe('report and test-suite commands', () => {
  let home: string
  let dataDir: string
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-report-cli-'))
    dataDir = await syntheticTaxiDataDir()
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  function driftdesk(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', ...args, '--home', home, '--data-dir', dataDir],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    )
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  it('prints the course report as one Evidently-shaped JSON line', () => {
    const { status, stdout, stderr } = driftdesk(
      'report',
      '--date',
      '2022-02-02',
      '--preset',
      'course',
      '--json',
    )
    expect(stderr).toContain('course for 2022-02-02')
    expect(status).toBe(0)
    const lines = stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const document = JSON.parse(lines[0] as string) as {
      metrics: { metric: string }[]
      context: { date: string }
    }
    expect(document.metrics.map((m) => m.metric)).toEqual([
      'ColumnDriftMetric',
      'DatasetDriftMetric',
      'DatasetMissingValuesMetric',
    ])
    expect(document.context.date).toBe('2022-02-02')
  })

  it('applies stattest overrides and writes an HTML file', () => {
    const html = join(home, 'drift.html')
    const { status, stdout } = driftdesk(
      'report',
      '--date',
      '2022-02-03',
      '--num-stattest',
      'ks',
      '--per-column-stattest',
      'PULocationID=psi',
      '--json',
      '--html',
      html,
    )
    expect(status).toBe(0)
    const document = JSON.parse(stdout) as {
      metrics: { result: { drift_by_columns?: Record<string, { stattest_name: string }> } }[]
    }
    const table = document.metrics[1]?.result.drift_by_columns ?? {}
    expect(table.trip_distance?.stattest_name).toBe('K-S p_value')
    expect(table.PULocationID?.stattest_name).toBe('PSI')
    expect(existsSync(html)).toBe(true)
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/)
  })

  it('exits 1 when a test fails, 0 when the user relaxes it, 2 on a bad option', () => {
    const strict = driftdesk(
      'test-suite',
      '--date',
      '2022-02-02',
      '--condition',
      'TestShareOfDriftedColumns={"lt":0}',
    )
    expect(strict.status).toBe(1)
    expect(strict.stdout).toMatch(/^FAIL {5}Share of Drifted Columns/m)
    const relaxed = driftdesk(
      'test-suite',
      '--date',
      '2022-02-02',
      '--condition',
      'TestShareOfDriftedColumns={"lte":1}',
      '--non-critical',
      'TestColumnDrift',
    )
    expect(relaxed.status).toBe(0)
    const bad = driftdesk(
      'test-suite',
      '--date',
      '2022-02-02',
      '--condition',
      'TestNumberOfRows={"less":1}',
    )
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("unknown operator 'less'")
    const badDate = driftdesk('report', '--date', '2022-02-31')
    expect(badDate.status).toBe(1)
    expect(badDate.stderr).toContain("'2022-02-31' is not a valid date")
  })

  // Issue 9: --html into a missing folder printed a stack trace and exited 70.
  it('refuses --html into a missing folder at once, in one sentence with exit 2', () => {
    const target = join(home, 'no-such-folder', 'day.html')
    const { status, stdout, stderr } = driftdesk('report', '--date', '2022-02-02', '--html', target)
    expect(status).toBe(2)
    expect(stdout).toBe('')
    expect(stderr.trim()).toBe(
      `driftdesk report: --html ${target}: the folder ${join(home, 'no-such-folder')} does not exist; create it first or choose another path.`,
    )
    expect(stderr).not.toMatch(/\n\s+at /)
    const suite = driftdesk('test-suite', '--date', '2022-02-02', '--html', target)
    expect(suite.status).toBe(2)
    expect(suite.stderr).toContain('does not exist; create it first')
  })

  // Issue 10: --html with a relative path printed the relative path; test-suite text printed **markdown**.
  it('prints the absolute path of a relative --html, and plain test descriptions', () => {
    const result = spawnSync(
      process.execPath,
      [
        // tsx resolved from the checkout: the working directory is elsewhere on purpose.
        '--import',
        pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
        join(repoRoot, 'src-main/cli/main.ts'),
        'test-suite',
        '--date',
        '2022-02-02',
        '--html',
        'suite.html',
        '--home',
        home,
        '--data-dir',
        dataDir,
      ],
      { cwd: home, encoding: 'utf8', timeout: 120_000 },
    )
    expect(result.stderr).toContain(`Wrote ${join(home, 'suite.html')}\n`)
    expect(existsSync(join(home, 'suite.html'))).toBe(true)
    const text = driftdesk('test-suite', '--date', '2022-02-02')
    expect(text.stdout).toMatch(/Drift per Column/)
    expect(text.stdout).toMatch(/for the feature trip_distance is/)
    expect(text.stdout).not.toContain('**')
  })
})
