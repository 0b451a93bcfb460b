import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * .ci/summary.mjs, the closing line CI reads (issue 10: it said `N passed, N failed` and hid skips, and a
 * failed setup step left CI green).
 */
const root = resolve(__dirname, '..')
const folder = mkdtempSync(join(tmpdir(), 'driftdesk-ci-summary-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

function writeReport(name: string, files: unknown[], success = true): string {
  const path = join(folder, name)
  writeFileSync(path, JSON.stringify({ success, testResults: files }))
  return path
}

function summarize(...args: string[]): { status: number | null; lines: string[] } {
  const run = spawnSync(process.execPath, [join(root, '.ci', 'summary.mjs'), ...args], {
    encoding: 'utf8',
  })
  return { status: run.status, lines: run.stdout.trimEnd().split('\n') }
}

const passing = (name: string): unknown => ({ fullName: name, status: 'passed' })

describe('.ci/summary.mjs', () => {
  it('counts passed, failed and skipped tests over several reports, and lists what was skipped', () => {
    const main = writeReport('main.json', [
      {
        name: 'a.test.ts',
        status: 'passed',
        assertionResults: [
          passing('a one'),
          passing('a two'),
          { fullName: 'a needs Chromium', status: 'skipped' },
          { fullName: 'a later', status: 'todo' },
          { fullName: 'a pending', status: 'pending' },
        ],
      },
    ])
    const install = writeReport('install.json', [
      { name: 'b.test.ts', status: 'passed', assertionResults: [passing('b')] },
    ])
    const { status, lines } = summarize(main, install)
    expect(lines.at(-1)).toBe('3 passed, 0 failed, 3 skipped')
    expect(lines).toContain('  - a needs Chromium')
    expect(status).toBe(0)
  })

  it('fails on a failed test, a file that did not load and a missing report', () => {
    const report = writeReport(
      'failing.json',
      [
        {
          name: 'c.test.ts',
          status: 'failed',
          assertionResults: [passing('c'), { fullName: 'c breaks', status: 'failed' }],
        },
        { name: 'd.test.ts', status: 'failed', message: 'SyntaxError: nope', assertionResults: [] },
      ],
      false,
    )
    const { status, lines } = summarize(report, join(folder, 'absent.json'))
    expect(lines.at(-1)).toBe('1 passed, 3 failed, 0 skipped')
    expect(lines).toContain('  - d.test.ts: SyntaxError: nope')
    expect(status).toBe(1)
  })

  it('counts a failed setup step as a failure even when every test passed', () => {
    const report = writeReport('green.json', [
      { name: 'e.test.ts', status: 'passed', assertionResults: [passing('e')] },
    ])
    const { status, lines } = summarize('--failed-setup', 'apt-get install chromium', report)
    expect(lines).toContain('  - setup step failed: apt-get install chromium')
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 0 skipped')
    expect(status).toBe(1)
  })

  it('fails a run that failed outside any test', () => {
    const report = writeReport(
      'unhandled.json',
      [{ name: 'f.test.ts', status: 'passed', assertionResults: [passing('f')] }],
      false,
    )
    const { status, lines } = summarize(report)
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 0 skipped')
    expect(status).toBe(1)
  })
})
