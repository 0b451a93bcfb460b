import { PassThrough } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { PARENT_LIFELINE_ENV } from './line-process'
import { watchParentLifeline } from './parent-lifeline'

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('watchParentLifeline', () => {
  it('leaves stdin alone unless the parent set the lifeline variable (a terminal, cron, nohup)', () => {
    const stdin = new PassThrough()
    const gone = vi.fn()
    watchParentLifeline({}, stdin, gone, vi.fn())
    stdin.end()
    expect(stdin.listenerCount('end')).toBe(0)
    expect(gone).not.toHaveBeenCalled()
  })

  it('cancels once when the pipe ends, then exits at once if the stop outlasts the grace', async () => {
    const stdin = new PassThrough()
    const gone = vi.fn()
    const exitNow = vi.fn()
    watchParentLifeline({ [PARENT_LIFELINE_ENV]: 'stdin' }, stdin, gone, exitNow, 0)
    // Bytes on the pipe are no message: only its end is.
    stdin.write('ignored')
    expect(gone).not.toHaveBeenCalled()
    stdin.end()
    await until(() => exitNow.mock.calls.length === 1)
    stdin.destroy()
    await until(() => stdin.destroyed)
    expect(gone).toHaveBeenCalledTimes(1)
    expect(exitNow).toHaveBeenCalledTimes(1)
  })

  it('stops watching when the command finished first', () => {
    const stdin = new PassThrough()
    const gone = vi.fn()
    const stop = watchParentLifeline({ [PARENT_LIFELINE_ENV]: 'stdin' }, stdin, gone, vi.fn())
    stop()
    stdin.destroy()
    expect(gone).not.toHaveBeenCalled()
  })
})
