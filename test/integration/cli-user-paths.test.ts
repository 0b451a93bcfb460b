import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runCli, startCli } from '../support/run-cli'

/**
 * Regression: `npm run driftdesk -- …` runs the CLI with the package root as its working directory, so
 * `./my-project.yaml` or `--reference ./ref.csv` typed in a learner's own folder was looked up in the
 * driftdesk checkout. npm records the learner's folder as INIT_CWD; each test runs the real CLI as npm
 * does (cwd = the package root, which `runCli` sets) with INIT_CWD = a temporary folder holding the files,
 * and every path in it relative.
 */
let dir: string

function log(days: readonly number[]): string {
  const lines = ['when,amount,segment,target,prediction']
  for (const day of days)
    for (let i = 0; i < 30; i++)
      lines.push(
        `2024-06-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00,${(i * 1.7 + day) % 13},${['a', 'b', 'c'][i % 3]},${i % 7},${(i % 7) + 0.25}`,
      )
  return `${lines.join('\n')}\n`
}

/** A project file in a subfolder whose data paths are relative to that subfolder (kept as before). */
const PROJECT = `name: learner
reference: ../data/reference.csv
current: ../data/current.csv
mapping:
  target: target
  prediction: prediction
  numerical_features: [amount]
  categorical_features: [segment]
window:
  column: when
  every: 1d
`

/**
 * The CLI as `npm run driftdesk` starts it from `dir`: cwd the package root, INIT_CWD the learner's folder,
 * npm_package_json the package root's package.json (npm 9–11 set it for the package the script runs in).
 */
function fromLearnerFolder(...args: string[]): ReturnType<typeof runCli> {
  return runCli(args, { INIT_CWD: dir, npm_package_json: join(REPO_ROOT, 'package.json') })
}

const REPO_ROOT = resolve(__dirname, '..', '..')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-user-paths-'))
  mkdirSync(join(dir, 'data'))
  mkdirSync(join(dir, 'projects'))
  mkdirSync(join(dir, 'out'))
  writeFileSync(join(dir, 'data', 'reference.csv'), log([1, 2, 3]))
  writeFileSync(join(dir, 'data', 'current.csv'), log([10, 11]))
  writeFileSync(join(dir, 'projects', 'my-project.yaml'), PROJECT)
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

// Each test spawns a tsx child process (a few seconds each, more on a loaded machine).
describe('relative paths typed in the learner folder (INIT_CWD)', { timeout: 180_000 }, () => {
  it('report reads --reference/--current and writes --html relative to INIT_CWD', async () => {
    const result = await fromLearnerFolder(
      'report',
      '--reference',
      './data/reference.csv',
      '--current',
      'data/current.csv',
      '--html',
      './out/report.html',
      '--home',
      './home',
    )
    expect(result.stderr).not.toContain('does not exist')
    expect(result.code).toBe(0)
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toContain('<html')
    expect(result.stderr).toContain(join(dir, 'out', 'report.html'))
  })

  it('report --project ./projects/my-project.yaml: the file from INIT_CWD, its data from its own folder', async () => {
    const result = await fromLearnerFolder(
      'report',
      '--project',
      './projects/my-project.yaml',
      '--json',
      '--home',
      './home',
    )
    expect(result.stderr).not.toContain('does not exist')
    expect(result.code).toBe(0)
    const windows = result.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { window: string }).window)
    expect(windows).toEqual(['2024-06-10', '2024-06-11'])
  })

  it('a missing relative file is named by its absolute path in the learner folder', async () => {
    const report = await fromLearnerFolder(
      'report',
      '--reference',
      './data/nope.csv',
      '--current',
      './data/current.csv',
      '--home',
      './home',
    )
    expect(report.code).not.toBe(0)
    expect(report.stderr).toContain(join(dir, 'data', 'nope.csv'))
    const project = await fromLearnerFolder(
      'report',
      '--project',
      './nope.yaml',
      '--home',
      './home',
    )
    expect(project.code).not.toBe(0)
    expect(project.stderr).toContain(`The project file ${join(dir, 'nope.yaml')} does not exist`)
    const html = await fromLearnerFolder(
      'report',
      '--project',
      './projects/my-project.yaml',
      '--html',
      './missing-folder/r.html',
      '--home',
      './home',
    )
    expect(html.code).toBe(2)
    expect(html.stderr).toContain(`the folder ${join(dir, 'missing-folder')} does not exist`)
  })

  it('stattest --input reads the file the README has the learner write with `> cases.json`', async () => {
    const example = await fromLearnerFolder('stattest', '--example')
    expect(example.code).toBe(0)
    writeFileSync(join(dir, 'cases.json'), example.stdout)
    const result = await fromLearnerFolder('stattest', '--input', 'cases.json', '--json')
    expect(result.stderr).not.toContain('cannot read')
    expect(result.code).toBe(0)
    const cases = JSON.parse(example.stdout) as unknown
    const count = Array.isArray(cases)
      ? cases.length
      : ((cases as { cases?: unknown[] }).cases?.length ?? Number.NaN)
    expect(count).toBeGreaterThan(0)
    expect(result.stdout.trim().split('\n')).toHaveLength(count)
  })

  it('project init writes its default file in INIT_CWD, paths relative to it', async () => {
    const result = await fromLearnerFolder(
      'project',
      'init',
      '--reference',
      './data/reference.csv',
      '--current',
      './data/current.csv',
      '--home',
      './home',
    )
    expect(result.code).toBe(0)
    const written = parse(readFileSync(join(dir, 'driftdesk-project.yaml'), 'utf8')) as {
      reference: string
      current: string
    }
    expect(written.reference).toBe('./data/reference.csv')
    expect(written.current).toBe('./data/current.csv')
  })

  it('project add ./projects/my-project.yaml stores absolute data paths; --home ./home is made in INIT_CWD', async () => {
    // No --database-url: the embedded PostgreSQL starts in the home, so the home must be the learner's.
    const result = await fromLearnerFolder(
      'project',
      'add',
      './projects/my-project.yaml',
      '--home',
      './home',
    )
    expect(result.stderr).toContain("Stored project 'learner'")
    expect(result.stderr).toContain(join(dir, 'data', 'reference.csv'))
    expect(result.code).toBe(0)
    expect(existsSync(join(dir, 'home', 'pg'))).toBe(true)
    const missing = await fromLearnerFolder(
      'project',
      'add',
      './projects/none.yaml',
      '--home',
      './home',
    )
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain(join(dir, 'projects', 'none.yaml'))
  })
})

/**
 * Issue #11 review: INIT_CWD is inherited by every process under any npm script (a learner's own script
 * that cd's elsewhere, an editor's npm terminal, the Live view's children), so it is honoured only when npm
 * started this command in this package: npm_package_json names the package.json of the working directory.
 * (The tests above are the other half: cwd the package root, npm_package_json its package.json.)
 */
describe('INIT_CWD only when npm ran this command here', { timeout: 180_000 }, () => {
  it('with INIT_CWD set but the working directory elsewhere, relative paths are taken from the working directory', async () => {
    const elsewhere = join(dir, 'elsewhere')
    mkdirSync(join(elsewhere, 'data'), { recursive: true })
    writeFileSync(join(elsewhere, 'data', 'reference.csv'), log([1, 2, 3]))
    writeFileSync(join(elsewhere, 'data', 'current.csv'), log([10, 11]))
    const args = [
      'report',
      '--reference',
      './data/reference.csv',
      '--current',
      './data/current.csv',
      '--html',
      './report.html',
      '--home',
      './home',
    ]
    // As under a learner's `"monitor": "cd elsewhere && driftdesk …"` in their own package (`dir`, which
    // has data/ too, so a wrong choice would still succeed but write dir/report.html).
    const script = await startCli(
      args,
      { INIT_CWD: dir, npm_package_json: join(dir, 'package.json') },
      { cwd: elsewhere },
    ).done
    expect(script.stderr).toContain(join(elsewhere, 'report.html'))
    expect(script.code).toBe(0)
    expect(existsSync(join(elsewhere, 'report.html'))).toBe(true)
    expect(existsSync(join(dir, 'report.html'))).toBe(false)
    // INIT_CWD alone, inherited by a process npm did not start (an editor's terminal): the same.
    rmSync(join(elsewhere, 'report.html'))
    const inherited = await startCli(args, { INIT_CWD: dir }, { cwd: elsewhere }).done
    expect(inherited.code).toBe(0)
    expect(existsSync(join(elsewhere, 'report.html'))).toBe(true)
    expect(existsSync(join(dir, 'report.html'))).toBe(false)
  })
})
