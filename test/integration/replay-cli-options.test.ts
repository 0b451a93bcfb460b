import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/run-cli'

/** `replay`'s batch options refused before anything is read or sent: exit 2 and one sentence. */
describe('replay --batch and --feedback-share: bad values are refused with exit 2', () => {
  let home: string
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'driftdesk-replay-options-'))
  })
  afterAll(async () => {
    await rm(home, { recursive: true, force: true })
  })

  const cases: [string[], RegExp][] = [
    [['--batch', '0'], /--batch must be a whole number of trips from 1 to 1000 \(got '0'\)/],
    [['--batch', '1001'], /--batch must be a whole number of trips from 1 to 1000 \(got '1001'\)/],
    [['--batch', '2.5'], /--batch must be a whole number/],
    [['--feedback-share', '1.5'], /--feedback-share must be a number from 0 to 1.*\(got '1.5'\)/],
    [['--feedback-share', 'half'], /--feedback-share must be a number from 0 to 1.*\(got 'half'\)/],
  ]
  for (const [options, message] of cases) {
    it(`refuses ${options.join(' ')}`, { timeout: 60_000 }, async () => {
      const result = await runCli(['replay', '--month', '2022-02', ...options, '--home', home])
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(message)
      expect(result.stdout).toBe('')
    })
  }
})
