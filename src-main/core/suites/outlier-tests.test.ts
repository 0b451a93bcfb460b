import { describe, expect, it } from 'vitest'
import type { ColumnOutliers } from '../../shared/domain/explain'
import { evaluateOutlierShareTest, outlierShareCondition } from './outlier-tests'

function outliers(share: number | null, referenceShare: number): ColumnOutliers {
  return {
    column: 'fare_amount',
    q1: 7,
    q3: 15,
    lowerFence: -5,
    upperFence: 27,
    referenceMin: 0,
    referenceMax: 400,
    values: share === null ? 0 : 1000,
    outsideFences: share === null ? 0 : share * 1000,
    outsideFencesShare: share,
    outsideRange: 0,
    outsideRangeShare: share === null ? null : 0,
    referenceOutsideFencesShare: referenceShare,
  }
}

describe('TestShareOfOutliers', () => {
  it('allows twice the reference share, and never less than 1 %', () => {
    expect(outlierShareCondition(0.05)).toEqual({ lte: 0.1 })
    expect(outlierShareCondition(0)).toEqual({ lte: 0.01 })
  })

  it('passes at twice the reference share and fails just above it', () => {
    expect(evaluateOutlierShareTest(outliers(0.128, 0.064)).status).toBe('SUCCESS')
    const failed = evaluateOutlierShareTest(outliers(0.129, 0.064))
    expect(failed.status).toBe('FAIL')
    expect(failed.description).toContain('**fare_amount**')
  })

  it('takes a user condition and a non-critical marking as the other suite tests do', () => {
    expect(
      evaluateOutlierShareTest(outliers(0.2, 0.064), {
        conditions: { 'TestShareOfOutliers:fare_amount': { lte: 0.3 } },
      }).status,
    ).toBe('SUCCESS')
    expect(
      evaluateOutlierShareTest(outliers(0.2, 0.064), { nonCritical: ['TestShareOfOutliers'] })
        .status,
    ).toBe('WARNING')
  })

  it('is an ERROR when the window has no values in the column', () => {
    expect(evaluateOutlierShareTest(outliers(null, 0.064)).status).toBe('ERROR')
  })
})
