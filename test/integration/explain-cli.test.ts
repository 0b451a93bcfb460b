import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExplainResult } from '../../src-main/shared/domain/explain'
import { syntheticTaxiDataDir } from '../support/taxi-data'

/** The `explain` front door, run as a user runs it (tsx, real files, a fresh home). */
const repoRoot = resolve(__dirname, '../..')

describe('explain command', () => {
  let home: string
  let dataDir: string
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-explain-cli-'))
    dataDir = await syntheticTaxiDataDir()
  })
  afterAll(() => rmSync(home, { recursive: true, force: true }))

  function driftdesk(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', ...args, '--home', home, '--data-dir', dataDir],
      { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 },
    )
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  it('prints a day as JSON: ranked contributions that sum to the shift, outliers, hourly segments, opened rows', () => {
    const html = join(home, 'explain.html')
    const { status, stdout, stderr } = driftdesk(
      'explain',
      '--date',
      '2022-02-02',
      '--rows',
      '0,2',
      '--json',
      '--html',
      html,
    )
    expect(stderr).toContain('explain: 2022-02-02')
    expect(status).toBe(0)
    const result = JSON.parse(stdout) as ExplainResult
    const shift = result.document.shift
    expect(shift?.method).toBe('linear')
    const sum = (shift?.contributions ?? []).reduce((a, c) => a + c.contribution, 0)
    expect(Math.abs(sum - (shift?.observedShift ?? NaN))).toBeLessThanOrEqual(
      1e-9 * Math.abs(shift?.observedShift ?? 1),
    )
    expect(result.document.segments?.by).toBe('hour')
    expect(result.rows.map((r) => r.row)).toEqual([0, 2])
    const page = readFileSync(html, 'utf8')
    expect(page).toContain('Why the prediction moved')
    expect(page).toContain('Most extreme rows')
    expect(page).toContain('Segments by lpep_pickup_datetime')
  })

  it('adds TestShareOfOutliers per numerical feature to a test suite with --outliers', () => {
    const { status, stdout } = driftdesk(
      'test-suite',
      '--date',
      '2022-02-02',
      '--preset',
      'data-quality',
      '--outliers',
      '--json',
    )
    expect([0, 1]).toContain(status)
    const suite = JSON.parse(stdout) as {
      tests: { name: string; status: string; parameters: { column_name?: string } }[]
    }
    const outliers = suite.tests.filter((t) => t.name === 'Share of Outliers')
    expect(outliers.map((t) => t.parameters.column_name)).toEqual([
      'passenger_count',
      'trip_distance',
      'fare_amount',
      'total_amount',
    ])
    expect(outliers.every((t) => ['SUCCESS', 'FAIL'].includes(t.status))).toBe(true)
  })

  it('refuses a segment column the data lacks, naming it, with exit code 1', () => {
    const { status, stderr } = driftdesk('explain', '--date', '2022-02-02', '--segment', 'nope')
    expect(status).toBe(1)
    expect(stderr).toContain("Column 'nope' is missing")
  })

  it('refuses conflicting or malformed options with exit code 2', () => {
    expect(driftdesk('explain', '--date', '2022-02-02', '--month', '2022-02').status).toBe(2)
    const bad = driftdesk('explain', '--date', '2022-02-02', '--rows', 'x')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--rows takes row indexes')
  })
})
