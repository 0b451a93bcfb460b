import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { validateProjectFile } from '../../src-main/services/projects/project-file'
import { jsonLines, runCli } from '../support/run-cli'

/** Project files: `project init` proposes one from the data, `report --project` uses it, bad ones are named. */
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

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'driftdesk-project-'))
  writeFileSync(join(dir, 'reference.csv'), log([1, 2, 3]))
  writeFileSync(join(dir, 'current.csv'), log([10, 11]))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('project files', () => {
  it('project init proposes the mapping and window, and report --project runs on it', async () => {
    const file = join(dir, 'project.yaml')
    const init = await runCli([
      'project',
      'init',
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current.csv'),
      '--output',
      file,
    ])
    expect(init.stderr).toContain(
      'when                       timestamp      window column (not a feature)',
    )
    expect(init.code).toBe(0)
    const project = validateProjectFile(parse(readFileSync(file, 'utf8')), file)
    expect(project).toMatchObject({
      name: 'reference',
      reference: './reference.csv',
      current: './current.csv',
      mapping: {
        target: 'target',
        prediction: 'prediction',
        numerical_features: ['amount'],
        categorical_features: ['segment'],
      },
      window: { column: 'when', every: '1d' },
    })
    const again = await runCli([
      'project',
      'init',
      '--reference',
      join(dir, 'reference.csv'),
      '--output',
      file,
    ])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists; pass --force')

    const report = await runCli(['report', '--project', file, '--json'])
    expect(report.code).toBe(0)
    expect(jsonLines(report.stdout).map((l) => [l.window, l.current_rows])).toEqual([
      ['2024-06-10', 30],
      ['2024-06-11', 30],
    ])
    const day = await runCli(['test-suite', '--project', file, '--date', '2024-06-11', '--json'])
    const [suite] = jsonLines(day.stdout) as { tests: unknown[] }[]
    expect(suite?.tests).toHaveLength(1 + 4)
  })

  it('names every field that fails the schema and what it expects', async () => {
    const file = join(dir, 'bad.yaml')
    writeFileSync(
      file,
      'name: my model\nreference: ./reference.csv\nmapping:\n  numerical_features: [amount, 3]\n  catgorical_features: [segment]\nwindow:\n  every: 2 days\n',
    )
    const result = await runCli(['report', '--project', file])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`${file} is not a valid driftdesk project:`)
    expect(result.stderr).toContain("the file needs 'current'")
    expect(result.stderr).toContain("field 'name' must match pattern")
    expect(result.stderr).toContain("field 'mapping.numerical_features[1]' must be a string")
    expect(result.stderr).toContain("unknown field 'mapping.catgorical_features'")
    expect(result.stderr).toContain("field 'window.every' must match pattern")
  })
})
