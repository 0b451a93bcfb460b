import { describe, expect, it } from 'vitest'
import tieFixture from '../../../test/fixtures/scipy/format-general-cases.json'
import { formatGeneral } from './format-general'
import { pythonFloatText } from './python-float-text'

describe("Python's number formatting", () => {
  it("matches format(x, '.3g')", () => {
    expect(formatGeneral(26.00554, 3)).toBe('26')
    expect(formatGeneral(85.71428571, 3)).toBe('85.7')
    expect(formatGeneral(100, 3)).toBe('100')
    expect(formatGeneral(0.013, 3)).toBe('0.013')
    expect(formatGeneral(25211, 3)).toBe('2.52e+04')
    expect(formatGeneral(0.0000123, 3)).toBe('1.23e-05')
    expect(formatGeneral(0.000123, 3)).toBe('0.000123')
  })
  it('matches str(float)', () => {
    expect(pythonFloatText(0.1)).toBe('0.1')
    expect(pythonFloatText(1)).toBe('1.0')
    expect(pythonFloatText(0.00001)).toBe('1e-05')
    expect(pythonFloatText(1e16)).toBe('1e+16')
  })
})

describe("formatGeneral vs Python's format(x, '.Ng') (scripts/scipy/format_general_cases.py)", () => {
  it('breaks exact decimal ties half to even, like Python', () => {
    expect(formatGeneral(12.25, 3)).toBe('12.2')
    expect(formatGeneral(-12.25, 3)).toBe('-12.2')
    expect(formatGeneral(2.5, 1)).toBe('2')
    expect(formatGeneral(3.5, 1)).toBe('4')
    expect(formatGeneral(9.5, 1)).toBe('1e+01')
    expect(formatGeneral(125000, 2)).toBe('1.2e+05')
  })
  it('agrees on every fixture case (ties, neighbours, extremes)', () => {
    const mismatches = tieFixture.cases.filter(
      (c) => formatGeneral(c.value, c.precision) !== c.text,
    )
    expect(tieFixture.cases.length).toBeGreaterThan(2000)
    expect(mismatches).toEqual([])
  })
})
