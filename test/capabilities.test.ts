import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * test/support/capabilities.ts in a real vitest run (a child process on a small test file): a test that
 * needs a missing capability skips on a developer's machine and fails where .ci/run installed it
 * (issue 10: a failed `apt-get install chromium` silently turned the browser tests into skips).
 */
const root = resolve(__dirname, '..')
const folder = mkdtempSync(join(tmpdir(), 'driftdesk-capabilities-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const testFile = join(folder, 'needs-a-tool.test.ts')
writeFileSync(
  testFile,
  `import { describe, expect, it } from 'vitest'
import { hasCapability } from ${JSON.stringify(join(root, 'test', 'support', 'capabilities.ts'))}
const hasTool = hasCapability({
  name: 'a tool that is never installed',
  expectedBy: 'DRIFTDESK_EXPECT_NEVER_INSTALLED_TOOL',
  howToGet: 'nowhere',
  isAvailable: () => false,
})
describe.skipIf(!hasTool)('uses the tool', () => {
  it('works', () => expect(hasTool).toBe(true))
})
`,
)
writeFileSync(join(folder, 'vitest.config.mjs'), 'export default { test: {} }\n')

function runVitest(env: NodeJS.ProcessEnv): { status: number | null; report: VitestReport } {
  const output = join(folder, 'report.json')
  rmSync(output, { force: true })
  const run = spawnSync(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['run', '--root', folder, '--reporter=json', `--outputFile=${output}`],
    { cwd: folder, encoding: 'utf8', env: { ...process.env, ...env } },
  )
  return { status: run.status, report: JSON.parse(readFileSync(output, 'utf8')) as VitestReport }
}

interface VitestReport {
  testResults: { assertionResults: { title: string; status: string }[] }[]
}

describe('hasCapability', () => {
  it('skips the tests that need a missing capability when nobody expects it', () => {
    const { status, report } = runVitest({ DRIFTDESK_EXPECT_NEVER_INSTALLED_TOOL: '' })
    expect(report.testResults[0]?.assertionResults).toEqual([
      expect.objectContaining({ title: 'works', status: 'skipped' }),
    ])
    expect(status).toBe(0)
  })

  it('fails the run when the CI installed the capability and it is missing', () => {
    const { status, report } = runVitest({ DRIFTDESK_EXPECT_NEVER_INSTALLED_TOOL: '1' })
    const results = report.testResults[0]?.assertionResults ?? []
    expect(results).toContainEqual(
      expect.objectContaining({
        title:
          'has a tool that is never installed (DRIFTDESK_EXPECT_NEVER_INSTALLED_TOOL=1: the CI set it up)',
        status: 'failed',
      }),
    )
    expect(status).toBe(1)
  })
})
