import { describe, expect, it, vi } from 'vitest'
import { AppError } from '../shared/errors'
import type { InvokeHandlers } from './dispatch-request'
import { dispatchRequest } from './dispatch-request'

function handlersWith(overrides: Partial<InvokeHandlers>): InvokeHandlers {
  return new Proxy(overrides as InvokeHandlers, {
    get: (target, key) =>
      (target as Record<string | symbol, unknown>)[key] ??
      (() => Promise.reject(new Error(`unexpected call to ${String(key)}`))),
  })
}

describe('dispatchRequest', () => {
  it('calls the handler with the guarded request and wraps the value', async () => {
    const runsList = vi.fn(async () => [])
    const result = await dispatchRequest(handlersWith({ 'runs:list': runsList }), 'runs:list', {
      limit: 5,
    })
    expect(result).toEqual({ ok: true, value: [] })
    expect(runsList).toHaveBeenCalledWith({ limit: 5 })
  })

  it('answers an unknown channel with INVALID_REQUEST, never calling a handler', async () => {
    const result = await dispatchRequest(handlersWith({}), 'shell:exec', {})
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: "Unknown channel 'shell:exec'." },
    })
  })

  it('does not call the handler when the request fails its guard', async () => {
    const runsShow = vi.fn()
    const result = await dispatchRequest(handlersWith({ 'runs:show': runsShow }), 'runs:show', {
      runId: 'a b',
    })
    expect(result.ok).toBe(false)
    expect(runsShow).not.toHaveBeenCalled()
  })

  it("keeps a service's AppError code and message in the envelope", async () => {
    const handlers = handlersWith({
      'runs:show': async () => {
        throw new AppError('RUN_NOT_FOUND', 'No run abc in this database.')
      },
    })
    expect(await dispatchRequest(handlers, 'runs:show', { runId: 'abc' })).toEqual({
      ok: false,
      error: { code: 'RUN_NOT_FOUND', message: 'No run abc in this database.' },
    })
  })

  it('turns an unexpected error into INTERNAL without a stack trace', async () => {
    const handlers = handlersWith({
      'runs:list': async () => {
        throw new TypeError('boom')
      },
    })
    const result = await dispatchRequest(handlers, 'runs:list', {})
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } })
  })
})
