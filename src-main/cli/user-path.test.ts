import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { afterAll, describe, expect, it } from 'vitest'
import { userDirectory, userPath, withUserPathArgs, withUserPaths } from './user-path'

const learner = mkdtempSync(join(tmpdir(), 'driftdesk-user-path-'))
writeFileSync(join(learner, 'shop.yaml'), 'name: shop\n')
// As `npm run driftdesk` from the learner's folder: cwd the package root (here the test's cwd).
const env = { INIT_CWD: learner, npm_package_json: join(process.cwd(), 'package.json') }
afterAll(() => rmSync(learner, { recursive: true, force: true }))

describe('userPath', () => {
  it("resolves against npm's INIT_CWD, else the working directory; absolute paths stay", () => {
    expect(userDirectory(env)).toBe(learner)
    expect(userDirectory({})).toBe(process.cwd())
    expect(userDirectory({ ...env, INIT_CWD: 'relative/dir' })).toBe(process.cwd())
    // INIT_CWD inherited by a process npm did not start here: the working directory.
    expect(userDirectory({ INIT_CWD: learner })).toBe(process.cwd())
    expect(
      userDirectory({ INIT_CWD: learner, npm_package_json: join(learner, 'package.json') }),
    ).toBe(process.cwd())
    expect(userPath(env, './data/log.csv')).toBe(join(learner, 'data', 'log.csv'))
    expect(userPath(env, '/abs/log.csv')).toBe('/abs/log.csv')
    expect(userPath({}, 'x.csv')).toBe(join(process.cwd(), 'x.csv'))
  })

  it('keeps a trailing slash, which says a folder was named', () => {
    expect(userPath(env, 'out/')).toBe(`${join(learner, 'out')}/`)
  })
})

describe('withUserPaths', () => {
  it('resolves path options, single or repeated, and leaves the others', () => {
    expect(
      withUserPaths(
        { reference: ['a.csv', '/b.csv'], html: 'r.html', home: 'h', name: 'n.csv', json: true },
        env,
      ),
    ).toEqual({
      reference: [join(learner, 'a.csv'), '/b.csv'],
      html: join(learner, 'r.html'),
      home: join(learner, 'h'),
      name: 'n.csv',
      json: true,
    })
  })
})

describe('withUserPathArgs', () => {
  it("makes a saved job's paths absolute; --project only when it is a file here", () => {
    expect(
      withUserPathArgs(
        ['--reference', 'ref.csv', '--current=cur/', '--project', 'shop.yaml', '--yesterday'],
        env,
      ),
    ).toEqual([
      '--reference',
      join(learner, 'ref.csv'),
      `--current=${join(learner, 'cur')}/`,
      '--project',
      join(learner, 'shop.yaml'),
      '--yesterday',
    ])
    expect(withUserPathArgs(['--project', 'shop', '--name', 'x.csv'], env)).toEqual([
      '--project',
      'shop',
      '--name',
      'x.csv',
    ])
  })
})
