import { describe, expect, it } from 'vitest'
import { describeThreshold, isThresholdExceeded, reduceSeries } from './grafana-alert-condition'

describe('reduceSeries', () => {
  it("reduces as Grafana's reduce expression does", () => {
    const values = [0.1, 0.4, 0.25]
    expect(reduceSeries('last', values)).toBe(0.25)
    expect(reduceSeries('max', values)).toBe(0.4)
    expect(reduceSeries('min', values)).toBe(0.1)
    expect(reduceSeries('sum', values)).toBeCloseTo(0.75, 12)
    expect(reduceSeries('mean', values)).toBeCloseTo(0.25, 12)
    expect(reduceSeries('count', values)).toBe(3)
  })

  it('has no value for an empty series (no data), except a count of 0', () => {
    expect(reduceSeries('last', [])).toBeNull()
    expect(reduceSeries('count', [])).toBe(0)
  })

  it('refuses a reducer it does not know', () => {
    expect(() => reduceSeries('median', [1])).toThrow(RangeError)
  })
})

describe('isThresholdExceeded', () => {
  it('is strict at the bound, as Grafana is', () => {
    expect(isThresholdExceeded({ type: 'gt', params: [2.5] }, 3)).toBe(true)
    expect(isThresholdExceeded({ type: 'gt', params: [2.5] }, 2.5)).toBe(false)
    expect(isThresholdExceeded({ type: 'lt', params: [1] }, 0.5)).toBe(true)
    expect(isThresholdExceeded({ type: 'lt', params: [1] }, 1)).toBe(false)
  })

  it('decides ranges with either bound order', () => {
    expect(isThresholdExceeded({ type: 'within_range', params: [5, 1] }, 3)).toBe(true)
    expect(isThresholdExceeded({ type: 'within_range', params: [1, 5] }, 5)).toBe(false)
    expect(isThresholdExceeded({ type: 'outside_range', params: [1, 5] }, 6)).toBe(true)
    expect(isThresholdExceeded({ type: 'outside_range', params: [1, 5] }, 3)).toBe(false)
  })

  it('refuses a range with one bound', () => {
    expect(() => isThresholdExceeded({ type: 'within_range', params: [1] }, 0)).toThrow(RangeError)
  })

  it('says the threshold in words', () => {
    expect(describeThreshold({ type: 'gt', params: [0.05] })).toBe('> 0.05')
    expect(describeThreshold({ type: 'outside_range', params: [1, 5] })).toBe('outside 1 … 5')
  })
})
