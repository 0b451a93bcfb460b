import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * Browser mode's options are checked before the panel starts (review of issue 9: `serve --workers abc`
 * started, and every backfill from the panel then failed with "…at least 1 (got NaN)"; `--workers 999`
 * was accepted). A real child process, as `npm run serve` starts it.
 */
const root = resolve(__dirname, '..', '..')
const home = mkdtempSync(join(tmpdir(), 'driftdesk-browser-options-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

/** Runs the panel's entry; a panel that starts is stopped at once and reported as exit 'started'. */
async function startPanel(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null | 'started'; stderr: string; stdout: string }> {
  const panel = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['src-main/server/main.ts', '--json', '--port', '0', '--home', home, ...args],
    { cwd: root, env: { ...process.env, ...env } },
  )
  let stderr = ''
  let stdout = ''
  let started = false
  panel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  panel.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (!started && stdout.includes('\n')) {
      started = true
      panel.kill('SIGTERM')
    }
  })
  const code = await new Promise<number | null>((resolveExit) => panel.once('exit', resolveExit))
  return { code: started ? 'started' : code, stderr, stdout }
}

describe('browser mode refuses bad options before starting', () => {
  const maximum = 2 * Math.max(1, availableParallelism())

  it.each(['abc', '999', '0x2', '0'])(
    'refuses --workers %s with the CLI backfill rule and exit 2',
    async (workers) => {
      const result = await startPanel(['--workers', workers])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toContain(`--workers must be a whole number from 1 to ${maximum}`)
      expect(result.stderr).toContain(`got '${workers}'`)
    },
    60_000,
  )

  it('refuses a DATABASE_URL with an unencoded password without printing it', async () => {
    const result = await startPanel([], {
      DATABASE_URL: 'postgres://evil:2024/TopSecret@127.0.0.1:47400/dd',
    })
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toMatch(/percent-encode the password/)
    expect(result.stderr).not.toContain('TopSecret')
  }, 60_000)
})
