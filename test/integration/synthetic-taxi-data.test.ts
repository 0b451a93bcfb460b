import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Table } from 'apache-arrow'
import { tableFromIPC } from 'apache-arrow'
import { readParquet } from 'parquet-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { GREEN_TRIP_COLUMNS, SYNTHETIC_JANUARY_ROWS } from '../support/synthetic-green-trips'
import {
  realTaxiDataDir,
  syntheticTaxiDataDir,
  syntheticTripParquet,
  taxiDataDir,
} from '../support/taxi-data'

function readTable(file: string): Table {
  return tableFromIPC(readParquet(readFileSync(file)).intoIPCStream())
}

function schemaSignature(table: Table): string[] {
  return table.schema.fields.map((field) => `${field.name}:${String(field.type)}:${field.nullable}`)
}

/** Numeric values of a column with nulls kept as null (Arrow's toArray() would turn them into 0). */
function values(table: Table, name: string): Array<number | null> {
  const column = table.getChild(name)!
  const out: Array<number | null> = []
  for (let i = 0; i < column.length; i++) {
    const value: unknown = column.get(i)
    out.push(value === null ? null : Number(value))
  }
  return out
}

const MICROS_PER_MINUTE = 60_000_000

/** Raw µs timestamps across all record batches (parquet-wasm returns batches of 1024 rows). */
function microseconds(table: Table, name: string): bigint[] {
  return table.getChild(name)!.data.flatMap((chunk) => Array.from(chunk.values as BigInt64Array))
}

function durationsMinutes(table: Table): number[] {
  const pickup = microseconds(table, 'lpep_pickup_datetime')
  const dropoff = microseconds(table, 'lpep_dropoff_datetime')
  return pickup.map((start, i) => Number(dropoff[i]! - start) / MICROS_PER_MINUTE)
}

describe('synthetic taxi data', () => {
  let dir: string
  let january: Table
  let february: Table

  beforeAll(async () => {
    dir = await syntheticTaxiDataDir()
    january = readTable(join(dir, 'green_tripdata_2022-01.parquet'))
    february = readTable(join(dir, 'green_tripdata_2022-02.parquet'))
  })

  it('makes the folder once per process', async () => {
    expect(await syntheticTaxiDataDir()).toBe(dir)
  })

  it('is deterministic: the same month gives the same bytes', () => {
    const again = syntheticTripParquet('2022-02')
    expect(
      Buffer.compare(Buffer.from(again), readFileSync(join(dir, 'green_tripdata_2022-02.parquet'))),
    ).toBe(0)
  })

  it('has the 20 TLC columns in order with the 2022 Arrow types', () => {
    expect(january.schema.fields.map((field) => field.name)).toEqual([...GREEN_TRIP_COLUMNS])
    const types = Object.fromEntries(
      january.schema.fields.map((field) => [field.name, String(field.type)]),
    )
    expect(types).toMatchObject({
      VendorID: 'Int64',
      lpep_pickup_datetime: 'Timestamp<MICROSECOND>',
      lpep_dropoff_datetime: 'Timestamp<MICROSECOND>',
      store_and_fwd_flag: 'Utf8',
      RatecodeID: 'Float64',
      PULocationID: 'Int64',
      DOLocationID: 'Int64',
      passenger_count: 'Float64',
      trip_distance: 'Float64',
      ehail_fee: 'Null',
      payment_type: 'Float64',
      trip_type: 'Float64',
      congestion_surcharge: 'Float64',
    })
    const pickupType = january.schema.fields[1]!.type as { timezone?: string | null }
    expect(pickupType.timezone ?? null).toBeNull()
  })

  it.runIf(realTaxiDataDir() !== null)('matches the real 2022 files field for field', () => {
    const real = readTable(join(realTaxiDataDir()!, 'green_tripdata_2022-01.parquet'))
    expect(schemaSignature(january)).toEqual(schemaSignature(real))
  })

  it('reads back with the written null counts: six columns null together, ehail_fee all null', () => {
    const rows = january.numRows
    expect(rows).toBe(SYNTHETIC_JANUARY_ROWS)
    const sparse = january.getChild('passenger_count')!.nullCount
    expect(sparse / rows).toBeGreaterThan(0.08)
    expect(sparse / rows).toBeLessThan(0.12)
    for (const name of [
      'store_and_fwd_flag',
      'RatecodeID',
      'payment_type',
      'trip_type',
      'congestion_surcharge',
    ]) {
      expect(january.getChild(name)!.nullCount, name).toBe(sparse)
    }
    const passengers = values(january, 'passenger_count')
    const flags = january.getChild('store_and_fwd_flag')!
    const payment = values(january, 'payment_type')
    let rowsNotNullTogether = 0
    for (let i = 0; i < rows; i++) {
      const isNull = passengers[i] === null
      if ((flags.get(i) === null) !== isNull || (payment[i] === null) !== isNull)
        rowsNotNullTogether++
    }
    expect(rowsNotNullTogether).toBe(0)
    expect(january.getChild('ehail_fee')!.nullCount).toBe(rows)
    for (const name of [
      'VendorID',
      'trip_distance',
      'fare_amount',
      'total_amount',
      'PULocationID',
    ]) {
      expect(january.getChild(name)!.nullCount, name).toBe(0)
    }
  })

  it('has realistic ranges and the quirks the pipeline must filter', () => {
    const passengers = values(january, 'passenger_count').filter((v): v is number => v !== null)
    expect(Math.min(...passengers)).toBe(0)
    expect(Math.max(...passengers)).toBeLessThanOrEqual(6)
    expect(passengers.filter((v) => v === 0).length).toBeGreaterThan(50)

    const distances = values(january, 'trip_distance') as number[]
    const sortedDistances = [...distances].sort((a, b) => a - b)
    const median = sortedDistances[Math.floor(distances.length / 2)]!
    expect(median).toBeGreaterThan(1)
    expect(median).toBeLessThan(5)
    expect(sortedDistances.at(-1)!).toBeGreaterThan(1000)

    const durations = durationsMinutes(january)
    expect(durations.filter((d) => d < 0).length).toBeGreaterThan(10)
    expect(durations.filter((d) => d > 60).length).toBeGreaterThan(100)
    const typical = durations.filter((d) => d >= 5 && d <= 40).length / durations.length
    expect(typical).toBeGreaterThan(0.75)

    const locations = values(january, 'PULocationID') as number[]
    expect(Math.min(...locations)).toBeGreaterThanOrEqual(1)
    expect(Math.max(...locations)).toBeLessThanOrEqual(265)
    const zone74 = locations.filter((v) => v === 74).length / locations.length
    expect(zone74).toBeGreaterThan(5 / 265) // skewed, far above a uniform share
  })

  it('correlates fare and total with distance', () => {
    const distance = values(january, 'trip_distance') as number[]
    const fare = values(january, 'fare_amount') as number[]
    const total = values(january, 'total_amount') as number[]
    const kept = distance.map((_, i) => i).filter((i) => distance[i]! > 0 && distance[i]! < 50)
    const correlation = (x: number[], y: number[]): number => {
      const mx = x.reduce((s, v) => s + v, 0) / x.length
      const my = y.reduce((s, v) => s + v, 0) / y.length
      let sxy = 0
      let sxx = 0
      let syy = 0
      for (let i = 0; i < x.length; i++) {
        sxy += (x[i]! - mx) * (y[i]! - my)
        sxx += (x[i]! - mx) ** 2
        syy += (y[i]! - my) ** 2
      }
      return sxy / Math.sqrt(sxx * syy)
    }
    const d = kept.map((i) => distance[i]!)
    expect(
      correlation(
        d,
        kept.map((i) => fare[i]!),
      ),
    ).toBeGreaterThan(0.7)
    expect(
      correlation(
        d,
        kept.map((i) => total[i]!),
      ),
    ).toBeGreaterThan(0.7)
  })

  it('leaves more than 1000 reference rows after the course filters (train = first 30,000)', () => {
    const durations = durationsMinutes(january)
    const passengers = values(january, 'passenger_count')
    let kept = 0
    for (let i = 0; i < january.numRows; i++) {
      const p = passengers[i]
      if (
        durations[i]! >= 0 &&
        durations[i]! <= 60 &&
        p !== null &&
        p !== undefined &&
        p > 0 &&
        p <= 8
      )
        kept++
    }
    expect(kept - 30_000).toBeGreaterThan(1000)
  })

  it('covers every day of February with a few hundred trips, plus pickups dated outside the month', () => {
    const pickup = microseconds(february, 'lpep_pickup_datetime')
    const perDay = new Map<string, number>()
    for (const micros of pickup) {
      const day = new Date(Number(micros / 1000n)).toISOString().slice(0, 10)
      perDay.set(day, (perDay.get(day) ?? 0) + 1)
    }
    for (let day = 1; day <= 28; day++) {
      const key = `2022-02-${String(day).padStart(2, '0')}`
      expect(perDay.get(key) ?? 0, key).toBeGreaterThan(150)
      expect(perDay.get(key) ?? 0, key).toBeLessThan(500)
    }
    expect(perDay.get('2009-01-01')).toBeGreaterThanOrEqual(1)
    expect(
      [...perDay.keys()].filter((day) => !day.startsWith('2022-02')).length,
    ).toBeGreaterThanOrEqual(2)
  })

  it('taxiDataDir prefers the real files and says which it chose', async () => {
    const chosen = await taxiDataDir()
    expect(chosen.real).toBe(realTaxiDataDir() !== null)
    expect(chosen.dir).toBe(realTaxiDataDir() ?? dir)
  })
})
