import { describe, expect, it } from 'vitest'
import { parseTripMonths, tripFileName, validateTripMonth } from './trip-file-name'

describe('tripFileName', () => {
  it('names a month the way the TLC does', () => {
    expect(tripFileName('2022-01')).toBe('green_tripdata_2022-01.parquet')
    expect(tripFileName('2024-03')).toBe('green_tripdata_2024-03.parquet')
  })

  it.each(['2022-1', '2022-13', '2022-00', '22-01', '2022/01', '1999-01', 'january', ''])(
    'rejects %j with a sentence that shows the expected form',
    (month) => {
      expect(() => validateTripMonth(month)).toThrow(
        expect.objectContaining({
          code: 'INVALID_REQUEST',
          message: `'${month}' is not a month of trip data: write it as YYYY-MM, for example 2022-01.`,
        }) as Error,
      )
    },
  )
})

describe('parseTripMonths', () => {
  it('splits a comma list, trims spaces and drops repeats in order', () => {
    expect(parseTripMonths('2022-02, 2022-01,2022-02,')).toEqual(['2022-02', '2022-01'])
  })

  it('refuses an empty list and names the bad entry of a list', () => {
    expect(() => parseTripMonths(' , ')).toThrow(/No month given/)
    expect(() => parseTripMonths('2022-01,2022-1')).toThrow(/'2022-1' is not a month/)
  })
})
