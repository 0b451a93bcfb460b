import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { CommandModule } from './cli-context'
import { COMMAND_SUMMARIES } from './command-summaries'

const commandsDir = join(import.meta.dirname, 'commands')
const commandNames = readdirSync(commandsDir)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => file.slice(0, -'.ts'.length))

// Issue 10: the top-level --help listed command names without a line each.
describe('the top-level help', () => {
  it('has one line for every command file, equal to that module summary', async () => {
    expect(Object.keys(COMMAND_SUMMARIES).sort()).toEqual([...commandNames].sort())
    for (const name of commandNames) {
      const module = (await import(join(commandsDir, `${name}.ts`))) as CommandModule
      expect(COMMAND_SUMMARIES[name], name).toBe(module.summary)
    }
  }, 60_000)

  it('prints each command with its line and the environment variables (real CLI)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', '--help'],
      { cwd: join(import.meta.dirname, '../..'), timeout: 60_000 },
    )
    for (const [name, summary] of Object.entries(COMMAND_SUMMARIES)) {
      expect(stdout).toMatch(new RegExp(`^  ${name} +${summary.replace(/[()+.]/g, '\\$&')}$`, 'm'))
    }
    expect(stdout).toMatch(/^ {2}DRIFTDESK_DATA_DIR +a folder that already holds the TLC Parquet/m)
  }, 60_000)
})
