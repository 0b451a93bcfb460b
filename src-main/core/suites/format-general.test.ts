import { describe, expect, it } from 'vitest'
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
