import { describe, expect, it } from 'vitest'
import { WorkerCrashedError } from './backfill-compute-runner'
import { isRetryableError, retryDelaySeconds } from './retry-policy'

describe('retryDelaySeconds', () => {
  const policy = { retries: 3, delaySeconds: 5, exponentialBackoff: true, jitterFactor: 0.2 }

  it('doubles the delay for each further retry (exponential backoff)', () => {
    const noJitter = { ...policy, jitterFactor: 0 }
    expect([1, 2, 3].map((retry) => retryDelaySeconds(noJitter, retry))).toEqual([5, 10, 20])
  })

  it('keeps the delay constant without backoff', () => {
    expect(retryDelaySeconds({ ...policy, exponentialBackoff: false, jitterFactor: 0 }, 3)).toBe(5)
  })

  it('adds up to jitterFactor × delay drawn from the injected random source', () => {
    expect(retryDelaySeconds(policy, 2, () => 0)).toBe(10)
    expect(retryDelaySeconds(policy, 2, () => 0.5)).toBeCloseTo(11, 12)
    expect(retryDelaySeconds(policy, 2, () => 0.999999)).toBeLessThan(12)
  })

  it('rejects a retry number below 1', () => {
    expect(() => retryDelaySeconds(policy, 0)).toThrow(RangeError)
  })
})

describe('isRetryableError', () => {
  it('retries lost or refused database connections', () => {
    expect(
      isRetryableError(Object.assign(new Error('terminating connection'), { code: '57P01' })),
    ).toBe(true)
    expect(
      isRetryableError(Object.assign(new Error('connection failure'), { code: '08006' })),
    ).toBe(true)
    expect(
      isRetryableError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    ).toBe(true)
    expect(isRetryableError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(
      isRetryableError(
        new Error('wrapped', { cause: Object.assign(new Error('x'), { code: '57P01' }) }),
      ),
    ).toBe(true)
  })

  it('retries a crashed compute worker', () => {
    expect(isRetryableError(new WorkerCrashedError('exit code 1'))).toBe(true)
  })

  it('does not retry bad input or bad SQL', () => {
    expect(isRetryableError(new RangeError("Column 'fare_amount' is missing"))).toBe(false)
    expect(
      isRetryableError(Object.assign(new Error('relation does not exist'), { code: '42P01' })),
    ).toBe(false)
    expect(
      isRetryableError(Object.assign(new Error('not parquet'), { code: 'DATA_FILE_INVALID' })),
    ).toBe(false)
  })
})
