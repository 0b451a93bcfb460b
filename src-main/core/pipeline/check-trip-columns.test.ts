import { describe, expect, it } from 'vitest'
import type { Column, Frame } from '../data/frame'
import { checkTripColumns, TRIP_COLUMN_EXPECTATIONS } from './check-trip-columns'

function tripFrame(overrides: Record<string, Column>): Frame {
  const columns: Record<string, Column> = {}
  for (const [name, expected] of TRIP_COLUMN_EXPECTATIONS) {
    columns[name] =
      expected === 'timestamp'
        ? { kind: 'timestamp_us', values: Float64Array.of(1.6e15), valid: null }
        : { kind: 'int64', values: Float64Array.of(7), valid: null }
  }
  Object.assign(columns, overrides)
  return { rowCount: 1, names: Object.keys(columns), columns }
}

describe('checkTripColumns (issue 9: a wrong physical type is an error, not data)', () => {
  it('accepts integer, float and all-null feature columns and timestamp pickups', () => {
    expect(() => checkTripColumns(tripFrame({}))).not.toThrow()
    expect(() =>
      checkTripColumns(
        tripFrame({
          PULocationID: { kind: 'float64', values: Float64Array.of(7), valid: null },
          passenger_count: { kind: 'null', length: 1 },
        }),
      ),
    ).not.toThrow()
  })

  it('names the column, what it holds and what the course needs', () => {
    expect(() =>
      checkTripColumns(
        tripFrame({ PULocationID: { kind: 'bool', values: Float64Array.of(1), valid: null } }),
      ),
    ).toThrow(
      "Column 'PULocationID' holds booleans, but the course needs numbers (a Parquet integer or floating-point column).",
    )
    expect(() =>
      checkTripColumns(tripFrame({ trip_distance: { kind: 'string', values: ['1.5'] } })),
    ).toThrow(/Column 'trip_distance' holds strings/)
    expect(() =>
      checkTripColumns(
        tripFrame({
          lpep_pickup_datetime: { kind: 'int64', values: Float64Array.of(1), valid: null },
        }),
      ),
    ).toThrow(/Column 'lpep_pickup_datetime' holds numbers, but the course needs a timestamp/)
  })

  it('names a missing column and the columns the data has', () => {
    const frame = tripFrame({})
    const { DOLocationID: _dropped, ...rest } = frame.columns
    expect(() => checkTripColumns({ ...frame, names: Object.keys(rest), columns: rest })).toThrow(
      /Column 'DOLocationID' is missing; the data has: /,
    )
  })
})
