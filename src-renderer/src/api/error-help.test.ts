import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/shared/errors'
import { describeError } from './error-help'

describe('describeError', () => {
  it("drops a service's command-line advice, which names the other front door", () => {
    const error = new AppError(
      'MODEL_NOT_TRAINED',
      'No model for 2022-01: train it with `npm run driftdesk -- train --reference-month 2022-01`.',
    )
    expect(describeError(error).message).toBe('No model for 2022-01.')
  })

  it("keeps a live process's quoted words, options included: they say why it stopped", () => {
    const message =
      "The prediction service (driftdesk serve) exited with code 2: driftdesk serve: Unknown option '--project'. The other processes were stopped."
    expect(describeError({ code: 'LIVE_PROCESS_FAILED', message }).message).toBe(message)
    expect(describeError(new AppError('LIVE_PROCESS_FAILED', message)).message).toBe(message)
  })
})
