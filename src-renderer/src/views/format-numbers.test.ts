import { describe, expect, it } from 'vitest'
import {
  formatCount,
  formatParameter,
  formatScore,
  formatShare,
  formatValue,
} from './format-numbers'

describe('one number format per kind', () => {
  it('writes counts with thousands separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(0)).toBe('0')
    expect(formatCount(null)).toBe('—')
  })

  it('writes shares as percentages with three significant digits', () => {
    expect(formatShare(0.857142)).toBe('85.7%')
    expect(formatShare(1)).toBe('100%')
    expect(formatShare(0.000312)).toBe('0.0312%')
    expect(formatShare(0)).toBe('0%')
  })

  it('writes scores with four significant digits, scientific outside 0.001 to a million', () => {
    expect(formatScore(0.0451234)).toBe('0.04512')
    expect(formatScore(12.3)).toBe('12.30')
    expect(formatScore(0)).toBe('0.000')
    expect(formatScore(3.5e15)).toBe('3.500e+15')
    expect(formatScore(1.2e-7)).toBe('1.200e-7')
    expect(formatScore(Number.POSITIVE_INFINITY)).toBe('∞')
    expect(formatScore(Number.NaN)).toBe('NaN')
  })

  it('counts whole numbers and scores the rest when the kind is not known', () => {
    expect(formatValue(25211)).toBe('25,211')
    expect(formatValue(2.718281)).toBe('2.718')
    expect(formatValue('cat')).toBe('cat')
    expect(formatValue(undefined)).toBe('—')
  })

  it('writes parameters as they were set', () => {
    expect(formatParameter(0.1)).toBe('0.1')
    expect(formatParameter(0.05)).toBe('0.05')
    expect(formatParameter(100)).toBe('100')
  })
})
