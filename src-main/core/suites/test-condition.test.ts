import { describe, expect, it } from 'vitest'
import {
  approx,
  approxTolerance,
  checkCondition,
  conditionToJson,
  describeCondition,
  parseCondition,
} from './test-condition'

describe('test conditions (Evidently TestValueCondition + ApproxValue)', () => {
  it('widens eq/lte/gte and narrows lt/gt by the approx tolerance', () => {
    const around = approx(100, { relative: 0.1 })
    expect(checkCondition(110, { eq: around })).toBe(true)
    expect(checkCondition(110.0001, { eq: around })).toBe(false)
    expect(checkCondition(110, { lte: around })).toBe(true)
    expect(checkCondition(90, { gte: around })).toBe(true)
    expect(checkCondition(90, { lt: around })).toBe(false)
    expect(checkCondition(89.9, { lt: around })).toBe(true)
    expect(checkCondition(110, { gt: around })).toBe(false)
    expect(checkCondition(110.1, { gt: around })).toBe(true)
  })
  it('requires every operator to hold and handles lists', () => {
    expect(checkCondition(0.2, { gt: 0.1, lt: 0.3 })).toBe(true)
    expect(checkCondition(0.4, { gt: 0.1, lt: 0.3 })).toBe(false)
    expect(checkCondition(2, { is_in: [1, 2] })).toBe(true)
    expect(checkCondition(3, { not_in: [1, 2], not_eq: 4 })).toBe(true)
    expect(checkCondition(Number.NaN, { lt: 1 })).toBe(false)
  })
  it("prints conditions as Evidently's str() and as_dict()", () => {
    expect(describeCondition({ lt: 0.3 })).toBe('lt=0.3')
    expect(describeCondition({ eq: approx(2536, { relative: 0.1 }) })).toBe('eq=2.54e+03 ± 254')
    expect(describeCondition({ gt: 30 })).toBe('gt=30')
    expect(conditionToJson({ eq: approx(5, { relative: 0.1 }) })).toEqual({
      eq: { value: 5, relative: 0.1, absolute: 1e-12 },
    })
  })
  it('parses user conditions and rejects unknown operators', () => {
    expect(parseCondition({ eq: { value: 10, relative: 0.1 } }).eq).toEqual(
      approx(10, { relative: 0.1 }),
    )
    expect(() => parseCondition({ less: 1 })).toThrow(/unknown operator 'less'/)
    expect(() => parseCondition({ lt: 'x' })).toThrow(/finite number/)
  })
})

describe('approx tolerance with a NaN bound (Python max semantics)', () => {
  it('keeps the relative tolerance when absolute is NaN, and NaN when the relative part is', () => {
    // Python: max(0.0, nan) == 0.0 and max(nan, 0.5) is nan
    expect(approxTolerance(approx(0, { absolute: Number.NaN }))).toBe(0)
    expect(approxTolerance(approx(Number.NaN, { absolute: 0.5 }))).toBeNaN()
    expect(approxTolerance(approx(100, { relative: 0.1, absolute: 1 }))).toBeCloseTo(10, 12)
  })
})
