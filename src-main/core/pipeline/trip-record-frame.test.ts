import { describe, expect, it } from 'vitest'
import {
  GREEN_TRIP_COLUMN_KINDS,
  naiveTimestampMicros,
  TripRecordFrameBuilder,
} from './trip-record-frame'

describe('TripRecordFrameBuilder', () => {
  it('builds every TLC column with the Parquet kinds; a null or absent field is a null', () => {
    const builder = new TripRecordFrameBuilder()
    builder.append({
      VendorID: 2,
      lpep_pickup_datetime: '2022-02-01T00:05:12',
      store_and_fwd_flag: 'N',
      PULocationID: 74,
      passenger_count: null,
      ehail_fee: null,
    })
    builder.append({
      VendorID: null,
      lpep_pickup_datetime: '2022-02-01 00:06:00.5',
      PULocationID: 75,
    })
    const frame = builder.finish()
    expect(frame.rowCount).toBe(2)
    expect(frame.names).toEqual(GREEN_TRIP_COLUMN_KINDS.map(([name]) => name))
    expect(frame.columns.VendorID).toEqual({
      kind: 'int64',
      values: Float64Array.of(2, 0),
      valid: Uint8Array.of(1, 0),
    })
    expect(frame.columns.PULocationID).toEqual({
      kind: 'int64',
      values: Float64Array.of(74, 75),
      valid: null,
    })
    expect(frame.columns.store_and_fwd_flag).toEqual({ kind: 'string', values: ['N', null] })
    expect(frame.columns.ehail_fee).toEqual({ kind: 'null', length: 2 })
    expect(frame.columns.lpep_pickup_datetime).toMatchObject({
      kind: 'timestamp_us',
      values: Float64Array.of(
        Date.UTC(2022, 1, 1, 0, 5, 12) * 1000,
        Date.UTC(2022, 1, 1, 0, 6, 0) * 1000 + 500_000,
      ),
    })
    expect(frame.columns.passenger_count).toMatchObject({
      kind: 'float64',
      valid: Uint8Array.of(0, 0),
    })
  })

  it('keeps a value sent in a column the files hold as all-null, and grows past its first capacity', () => {
    const builder = new TripRecordFrameBuilder()
    for (let i = 0; i < 3000; i++)
      builder.append({ ehail_fee: i === 2999 ? 1.5 : null, trip_distance: i })
    const frame = builder.finish()
    expect(frame.columns.ehail_fee).toMatchObject({ kind: 'float64' })
    const ehail = frame.columns.ehail_fee as { values: Float64Array; valid: Uint8Array }
    expect(ehail.values[2999]).toBe(1.5)
    expect(ehail.valid.reduce((a, b) => a + b, 0)).toBe(1)
    expect((frame.columns.trip_distance as { values: Float64Array }).values[2500]).toBe(2500)
  })

  it('names the field and value of a wrong type', () => {
    const builder = new TripRecordFrameBuilder()
    expect(() => builder.append({ trip_distance: '2.5' })).toThrow(
      /Field 'trip_distance' of a logged record holds "2.5"; expected a number or null/,
    )
    expect(() => naiveTimestampMicros('yesterday')).toThrow(RangeError)
    // A record refused half-way leaves no trace in the frame.
    expect(() =>
      builder.append({ VendorID: 1, store_and_fwd_flag: 'Y', trip_distance: 'x' }),
    ).toThrow()
    builder.append({ VendorID: null, store_and_fwd_flag: null, trip_distance: 3 })
    const frame = builder.finish()
    expect(frame.rowCount).toBe(1)
    expect(frame.columns.VendorID).toMatchObject({ valid: Uint8Array.of(0) })
    expect(frame.columns.store_and_fwd_flag).toEqual({ kind: 'string', values: [null] })
  })
})
