import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepareProjectFile } from './prepare-project'
import { ProjectFileError } from './project-file'

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-prepare-project-'))
  mkdirSync(join(dir, 'log'))
  writeFileSync(join(dir, 'ref.csv'), 'ts,x,y,target,prediction\n2024-01-01,1,a,2,2.5\n')
  writeFileSync(join(dir, 'log', '1.csv'), 'ts,x,y,target,prediction\n2024-01-02,1,a,2,2.5\n')
  // The second file of the folder lost a column: every file is checked, not only the first.
  writeFileSync(join(dir, 'log', '2.csv'), 'ts,x,target,prediction\n2024-01-03,1,2,2.5\n')
  writeFileSync(join(dir, 'header-only.csv'), 'ts,x,y,target,prediction\n')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function project(name: string, text: string): string {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, text)
  return path
}

describe('prepareProjectFile', () => {
  it('makes paths absolute from the file folder and keeps the rest of the definition', async () => {
    const path = project(
      'ok',
      'name: ok\nreference: ref.csv\ncurrent: [./log/1.csv]\nmapping:\n  numerical_features: [x]\nwindow:\n  column: ts\n  every: 1d\n',
    )
    await expect(prepareProjectFile(path)).resolves.toEqual({
      name: 'ok',
      reference: join(dir, 'ref.csv'),
      current: [join(dir, 'log', '1.csv')],
      mapping: { numerical_features: ['x'] },
      window: { column: 'ts', every: '1d' },
    })
  })

  it('names the field, column and file when one file of a folder lacks a mapped column', async () => {
    const path = project(
      'folder',
      'name: folder\nreference: ref.csv\ncurrent: log\nmapping:\n  categorical_features: [y]\n',
    )
    const failure = prepareProjectFile(path)
    await expect(failure).rejects.toThrow(ProjectFileError)
    await expect(failure).rejects.toThrow(
      `mapping.categorical_features[0] names the column 'y', but ${join(dir, 'log', '2.csv')} (current data) has no such column; it has ts, x, target, prediction`,
    )
    await expect(failure).rejects.not.toThrow(join(dir, 'log', '1.csv'))
  })

  it('refuses a source whose columns cannot be seen (a CSV with only a header)', async () => {
    const path = project('empty', 'name: empty\nreference: header-only.csv\ncurrent: ref.csv\n')
    await expect(prepareProjectFile(path)).rejects.toThrow(
      `${join(dir, 'header-only.csv')} (reference data) holds no rows, so its columns cannot be checked`,
    )
  })
})
