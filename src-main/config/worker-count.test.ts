import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { maxWorkerCount, parseWorkerCount } from './worker-count'

describe('parseWorkerCount', () => {
  it('accepts whole decimal counts from 1 to twice the cores', () => {
    expect(maxWorkerCount()).toBe(2 * Math.max(1, availableParallelism()))
    expect(parseWorkerCount('1')).toBe(1)
    expect(parseWorkerCount(String(maxWorkerCount()))).toBe(maxWorkerCount())
  })

  it('refuses what Number() would read as a count: hex, exponent, blanks, empty (review of issue 9: 0x2 was 2)', () => {
    for (const text of ['0x2', '1e0', ' 1', '1 ', '', '+1', '1.0', 'abc', '0', '-1', '999']) {
      expect(() => parseWorkerCount(text), text).toThrowError(
        expect.objectContaining({
          code: 'INVALID_REQUEST',
          message: expect.stringContaining(
            `--workers must be a whole number from 1 to ${maxWorkerCount()}`,
          ),
        }),
      )
    }
  })
})
