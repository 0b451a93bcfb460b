import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { LIVE_PROCESS_NAMES } from '../../shared/domain/live'
import { LIVE_COMMAND_LINES, sourceCliEntry } from './live-commands'

const INPUTS = {
  project: 'nyc-taxi',
  month: '2022-03',
  speed: 3600,
  port: 9797,
  serviceUrl: 'http://127.0.0.1:9797',
} as const

describe('the live session command table', () => {
  it('puts no secret, home or data folder on a command line (they travel in the environment)', () => {
    for (const name of LIVE_PROCESS_NAMES) {
      const line = LIVE_COMMAND_LINES[name](INPUTS) ?? []
      expect(line[0]).toBe(name)
      for (const forbidden of ['--database-url', '--home', '--data-dir', '--token'])
        expect(line, name).not.toContain(forbidden)
    }
  })

  it('builds the lines the contract of issue #12 names', () => {
    expect(LIVE_COMMAND_LINES.serve(INPUTS)).toEqual([
      'serve',
      '--project',
      'nyc-taxi',
      '--port',
      '9797',
      '--health-window',
      '10s',
    ])
    expect(LIVE_COMMAND_LINES.collect(INPUTS)).toEqual([
      'collect',
      '--project',
      'nyc-taxi',
      '--follow',
    ])
    expect(LIVE_COMMAND_LINES.replay({ ...INPUTS, speed: 'max' })).toEqual([
      'replay',
      '--project',
      'nyc-taxi',
      '--month',
      '2022-03',
      '--speed',
      'max',
      '--url',
      'http://127.0.0.1:9797',
    ])
  })

  it("collects a stored project's log, and runs no replay for it (its rows come through POST /log)", () => {
    const own = { ...INPUTS, project: 'shop' }
    expect(LIVE_COMMAND_LINES.serve(own).slice(0, 3)).toEqual(['serve', '--project', 'shop'])
    expect(LIVE_COMMAND_LINES.collect(own)).toEqual(['collect', '--project', 'shop', '--follow'])
    expect(LIVE_COMMAND_LINES.replay(own)).toBeNull()
  })

  // The merge check: every option the table passes must be one the command documents in its --help.
  // A command this tree does not have yet (replay, collect before their branches merge) is skipped,
  // saying so; after the merge the test runs for all three.
  for (const name of LIVE_PROCESS_NAMES) {
    it(`passes only options that \`driftdesk ${name} --help\` documents`, ({ skip }) => {
      const cli = sourceCliEntry()
      const result = spawnSync(cli.command, [...cli.args, name, '--help'], {
        cwd: cli.cwd,
        encoding: 'utf8',
        timeout: 120_000,
      })
      if (result.status === 2 && result.stderr.includes(`Unknown command '${name}'`)) {
        skip(`driftdesk ${name} does not exist in this tree yet`)
      }
      expect(result.status, result.stderr).toBe(0)
      // main's serve predates projects; h/live-service adds --project. Until that merge, say so.
      if (name === 'serve' && !result.stdout.includes('--project')) {
        skip('driftdesk serve has no --project in this tree yet (the live-service branch adds it)')
      }
      const options = [
        ...(LIVE_COMMAND_LINES[name](INPUTS) ?? []),
        ...(LIVE_COMMAND_LINES[name]({ ...INPUTS, project: 'shop' }) ?? []),
      ].filter((part) => part.startsWith('--'))
      for (const option of options) expect(result.stdout, `${name} ${option}`).toContain(option)
    })
  }
})
