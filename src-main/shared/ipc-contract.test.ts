import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import {
  EVENT_NAMES,
  INVOKE_CHANNELS,
  REQUEST_GUARDS,
  isEventName,
  isInvokeChannel,
} from './ipc-contract'

function rejection(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected the guard to reject the request')
}

describe('the IPC contract', () => {
  it('names every channel domain:verb and every event domain:noun', () => {
    for (const name of [...INVOKE_CHANNELS, ...EVENT_NAMES])
      expect(name).toMatch(/^[a-z]+:[a-z-]+$/)
    expect(INVOKE_CHANNELS).toContain('pipeline:start')
    expect(EVENT_NAMES).toContain('pipeline:finished')
  })

  it('recognises only its own channel and event names', () => {
    expect(isInvokeChannel('runs:list')).toBe(true)
    expect(isInvokeChannel('toString')).toBe(false)
    expect(isInvokeChannel('__proto__')).toBe(false)
    expect(isEventName('pipeline:progress')).toBe(true)
    expect(isEventName('runs:list')).toBe(false)
  })

  it('accepts a valid backfill request and returns only the known fields', () => {
    const request = { month: '2022-02', days: 27, paceSeconds: 0.5, referenceMonth: '2022-01' }
    expect(REQUEST_GUARDS['pipeline:start'](request)).toEqual(request)
  })

  it("accepts an own project's backfill by name, and refuses the course or extra fields there", () => {
    expect(REQUEST_GUARDS['pipeline:start']({ project: 'shop', force: true })).toEqual({
      project: 'shop',
      force: true,
    })
    expect(REQUEST_GUARDS['pipeline:start']({ project: 'shop' })).toEqual({ project: 'shop' })
    expect(
      rejection(() => REQUEST_GUARDS['pipeline:start']({ project: 'nyc-taxi' })).message,
    ).toMatch(/backfilled by month/)
    expect(
      rejection(() => REQUEST_GUARDS['pipeline:start']({ project: 'shop', month: '2022-02' }))
        .message,
    ).toBe("Unknown request field 'month'.")
    expect(rejection(() => REQUEST_GUARDS['pipeline:start']({ project: '../x' })).code).toBe(
      'INVALID_REQUEST',
    )
  })

  it('rejects more days than the month has, naming the field and the range', () => {
    const error = rejection(() =>
      REQUEST_GUARDS['pipeline:start']({
        month: '2022-02',
        days: 29,
        paceSeconds: 0,
        referenceMonth: '2022-01',
      }),
    )
    expect(error.code).toBe('INVALID_REQUEST')
    expect(error.message).toContain("'days'")
    expect(error.message).toContain('1 to 28')
  })

  it('rejects unknown fields, so a compromised page cannot smuggle options through', () => {
    const error = rejection(() =>
      REQUEST_GUARDS['runs:show']({ runId: 'abc', sql: 'drop table runs' }),
    )
    expect(error.message).toBe("Unknown request field 'sql'.")
  })

  it('rejects malformed months, dates, ids and presets', () => {
    expect(rejection(() => REQUEST_GUARDS['metrics:list']({ month: '2022-13' })).message).toContain(
      'YYYY-MM',
    )
    expect(
      rejection(() =>
        REQUEST_GUARDS['reports:get']({
          date: '2022-02-30x',
          preset: 'data-drift',
          referenceMonth: '2022-01',
        }),
      ).message,
    ).toContain('YYYY-MM-DD')
    expect(
      rejection(() => REQUEST_GUARDS['runs:show']({ runId: '../../etc/passwd' })).message,
    ).toContain('an id')
    expect(
      rejection(() =>
        REQUEST_GUARDS['suites:run']({
          date: '2022-02-02',
          preset: 'everything',
          referenceMonth: '2022-01',
        }),
      ).message,
    ).toContain('one of data-drift')
  })

  it('rejects a request that is not an object', () => {
    expect(rejection(() => REQUEST_GUARDS['model:train']('2022-01')).message).toBe(
      'The request must be an object.',
    )
    expect(rejection(() => REQUEST_GUARDS['model:train']([])).message).toBe(
      'The request must be an object.',
    )
  })

  it('checks every month of a list and says which one is wrong', () => {
    expect(REQUEST_GUARDS['data:status']({ months: ['2022-01', '2022-02'] })).toEqual({
      months: ['2022-01', '2022-02'],
    })
    expect(
      rejection(() => REQUEST_GUARDS['data:status']({ months: ['2022-01', 7] })).message,
    ).toContain('months[1]')
    expect(rejection(() => REQUEST_GUARDS['data:download']({ months: [] })).message).toContain(
      '1 to 24 months',
    )
  })

  it('reads the folder choice: a path, back to the cache (null), or the dialog (absent)', () => {
    const months = ['2022-01']
    expect(REQUEST_GUARDS['data:choose-folder']({ months })).toEqual({ months })
    expect(REQUEST_GUARDS['data:choose-folder']({ path: null, months })).toEqual({
      path: null,
      months,
    })
    expect(REQUEST_GUARDS['data:choose-folder']({ path: '/data', months })).toEqual({
      path: '/data',
      months,
    })
    expect(rejection(() => REQUEST_GUARDS['data:choose-folder']({ path: 42, months })).code).toBe(
      'INVALID_REQUEST',
    )
  })

  it('treats an absent request of a no-argument channel as empty', () => {
    expect(REQUEST_GUARDS['config:get'](undefined)).toEqual({})
    expect(REQUEST_GUARDS['stack:start'](undefined)).toEqual({})
    expect(REQUEST_GUARDS['stack:start']({ pull: true })).toEqual({ pull: true })
  })
})
