import type { Data, DataType } from 'apache-arrow'
import {
  Field,
  Float64,
  Int64,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  Utf8,
  makeData,
  vectorFromArray,
} from 'apache-arrow'

/**
 * Synthetic NYC TLC green-taxi trip records with the exact schema of the 2022 files (20 columns, same order,
 * same Arrow types: int64 ids, timestamp[us] without time zone, utf8 flag, float64 nullable "integers",
 * an all-null `ehail_fee` of Arrow type Null). They let a fresh clone without ../shared/data/nyc-taxi run
 * every test that needs trip files. Values are drawn from a seeded RNG so the same month always gives the
 * same bytes, and the ranges imitate the real data's quirks that the pipeline must survive: zero and missing
 * passenger counts, a block of rows where six columns are null together, huge trip_distance outliers,
 * negative and > 60 min durations, and a few pickups dated far outside the month (2009-01-01).
 */

/** The 20 column names of the 2022 green-taxi files, in file order. */
export const GREEN_TRIP_COLUMNS = [
  'VendorID',
  'lpep_pickup_datetime',
  'lpep_dropoff_datetime',
  'store_and_fwd_flag',
  'RatecodeID',
  'PULocationID',
  'DOLocationID',
  'passenger_count',
  'trip_distance',
  'fare_amount',
  'extra',
  'mta_tax',
  'tip_amount',
  'tolls_amount',
  'ehail_fee',
  'improvement_surcharge',
  'total_amount',
  'payment_type',
  'trip_type',
  'congestion_surcharge',
] as const

/** Rows in the synthetic January file: train = first 30,000, reference = the rest. */
export const SYNTHETIC_JANUARY_ROWS = 40_000

const MICROS_PER_MINUTE = 60_000_000
const MICROS_PER_DAY = 24 * 60 * MICROS_PER_MINUTE

/** mulberry32: small, fast, well-distributed 32-bit generator; good enough for test data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function monthSeed(month: string): number {
  let hash = 2166136261
  for (const char of month) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619)
  return hash >>> 0
}

/** Draws from a discrete distribution given as [value, weight] pairs. */
function pick<T>(random: () => number, choices: ReadonlyArray<readonly [T, number]>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0)
  let u = random() * total
  for (const [value, weight] of choices) {
    u -= weight
    if (u < 0) return value
  }
  return choices[choices.length - 1]![0]
}

function standardNormal(random: () => number): number {
  // Box-Muller; 1 - u keeps log() away from 0.
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

// Busy green-taxi zones (East Harlem, Astoria, Jamaica, ...): about two thirds of the trips start or end there.
const POPULAR_ZONES = [
  74, 75, 41, 166, 95, 82, 7, 42, 97, 129, 65, 244, 116, 181, 255, 260, 152, 193, 196, 25,
]

function locationId(random: () => number): bigint {
  if (random() < 0.68) {
    // Zipf-like: earlier entries are more popular.
    const index = Math.floor(POPULAR_ZONES.length * random() * random())
    return BigInt(POPULAR_ZONES[index]!)
  }
  return BigInt(1 + Math.floor(random() * 265))
}

interface MonthShape {
  year: number
  monthIndex: number
  /** Multiplies typical trip distance: March drifts a little so drift tests have something to see. */
  distanceScale: number
}

function parseMonth(month: string): MonthShape {
  const match = /^(\d{4})-(\d{2})$/.exec(month)
  if (match === null)
    throw new RangeError(`Synthetic trip month must look like YYYY-MM (got '${month}').`)
  const year = Number(match[1])
  const monthIndex = Number(match[2]) - 1
  return { year, monthIndex, distanceScale: monthIndex === 2 ? 1.25 : 1 }
}

/** The TLC clocks tick in whole seconds; the files store microseconds. */
function wholeSeconds(micros: number): number {
  return Math.round(micros / 1_000_000) * 1_000_000
}

/** Pickup timestamps (µs since epoch, as in the file): per day a few hundred trips, or a fixed total. */
function pickupTimes(random: () => number, shape: MonthShape): number[] {
  const start = Date.UTC(shape.year, shape.monthIndex, 1) * 1000
  const days = new Date(Date.UTC(shape.year, shape.monthIndex + 1, 0)).getUTCDate()
  const times: number[] = []
  const isJanuary = shape.monthIndex === 0
  if (isJanuary) {
    for (let i = 0; i < SYNTHETIC_JANUARY_ROWS; i++)
      times.push(start + wholeSeconds(random() * days * MICROS_PER_DAY))
  } else {
    for (let day = 0; day < days; day++) {
      const count = 220 + Math.floor(random() * 160)
      for (let i = 0; i < count; i++)
        times.push(start + day * MICROS_PER_DAY + wholeSeconds(random() * MICROS_PER_DAY))
    }
  }
  // The TLC files hold roughly time-ordered trips; sorting keeps "first 30,000 rows" meaning early January.
  times.sort((a, b) => a - b)
  // A few rows dated far outside the month, as the TLC published them: 2009-01-01, the previous and next month.
  const outliers = [
    Date.UTC(2009, 0, 1, 0, 5) * 1000,
    Date.UTC(2009, 0, 1, 0, 32) * 1000,
    start - 10 * MICROS_PER_MINUTE,
    Date.UTC(shape.year, shape.monthIndex + 1, 1, 0, 20) * 1000,
  ]
  // Replace rows at seeded positions so the row count stays as designed.
  for (const outlier of outliers) times[Math.floor(random() * times.length)] = outlier
  return times
}

/** Column values with validity masks, before conversion to Arrow. */
interface NullableColumn {
  values: Float64Array
  valid: Uint8Array
}

function nullableColumn(length: number): NullableColumn {
  return { values: new Float64Array(length), valid: new Uint8Array(length).fill(1) }
}

function validityBitmap(valid: Uint8Array): Uint8Array {
  const bitmap = new Uint8Array(Math.ceil(valid.length / 8))
  for (let i = 0; i < valid.length; i++) if (valid[i] === 1) bitmap[i >> 3]! |= 1 << (i & 7)
  return bitmap
}

function countNulls(valid: Uint8Array): number {
  let nulls = 0
  for (const flag of valid) if (flag === 0) nulls++
  return nulls
}

function float64Data(column: NullableColumn): Data<Float64> {
  const nullCount = countNulls(column.valid)
  return makeData({
    type: new Float64(),
    length: column.values.length,
    nullCount,
    nullBitmap: nullCount === 0 ? null : validityBitmap(column.valid),
    data: column.values,
  })
}

function int64Data(values: BigInt64Array): Data<Int64> {
  return makeData({ type: new Int64(), length: values.length, nullCount: 0, data: values })
}

function timestampData(values: BigInt64Array): Data<TimestampMicrosecond> {
  return makeData({
    type: new TimestampMicrosecond(),
    length: values.length,
    nullCount: 0,
    data: values,
  })
}

/**
 * Builds one month of synthetic green-taxi trips as an Arrow table with the 2022 schema.
 * January has exactly {@link SYNTHETIC_JANUARY_ROWS} rows; other months a few hundred rows for every day.
 * Deterministic: the same month always yields the same values.
 */
export function buildSyntheticGreenTripTable(month: string): Table {
  const shape = parseMonth(month)
  const random = seededRandom(monthSeed(month))
  const pickups = pickupTimes(random, shape)
  const n = pickups.length

  const vendor = new BigInt64Array(n)
  const pickup = new BigInt64Array(n)
  const dropoff = new BigInt64Array(n)
  const flag: Array<string | null> = new Array<string | null>(n)
  const ratecode = nullableColumn(n)
  const puLocation = new BigInt64Array(n)
  const doLocation = new BigInt64Array(n)
  const passengers = nullableColumn(n)
  const distance = nullableColumn(n)
  const fare = nullableColumn(n)
  const extra = nullableColumn(n)
  const mtaTax = nullableColumn(n)
  const tip = nullableColumn(n)
  const tolls = nullableColumn(n)
  const improvement = nullableColumn(n)
  const total = nullableColumn(n)
  const payment = nullableColumn(n)
  const tripType = nullableColumn(n)
  const congestion = nullableColumn(n)

  for (let i = 0; i < n; i++) {
    // About 10% of rows (street-hail app trips in the real data) miss six columns together.
    const isSparseRow = random() < 0.1
    vendor[i] = isSparseRow
      ? 2n
      : pick(random, [
          [2n, 0.86],
          [1n, 0.14],
        ] as const)

    // Trip duration in minutes: log-normal around 12 min, a tail above an hour, a few negative.
    let minutes = Math.exp(Math.log(12) + 0.6 * standardNormal(random))
    const durationKind = random()
    if (durationKind < 0.015) minutes = 61 + random() * 1400
    else if (durationKind < 0.018) minutes = -(1 + random() * 30)
    else if (durationKind < 0.025) minutes = random() * 0.9

    // Miles: roughly speed x time with noise; ~4% zero, and a handful of absurd odometer values.
    let miles = Math.max(
      0,
      (minutes > 0 ? minutes : 10) *
        0.2 *
        shape.distanceScale *
        Math.exp(0.35 * standardNormal(random)),
    )
    const distanceKind = random()
    if (distanceKind < 0.04) miles = 0
    else if (distanceKind < 0.0406) miles = 1000 + random() * 150_000
    miles = round2(minutes > 60 ? Math.min(miles, 40) : miles)

    const start = pickups[i]!
    pickup[i] = BigInt(start)
    dropoff[i] = BigInt(start + wholeSeconds(minutes * MICROS_PER_MINUTE))
    puLocation[i] = locationId(random)
    doLocation[i] = locationId(random)

    const ratecodeValue = pick(random, [
      [1, 0.95],
      [5, 0.035],
      [2, 0.008],
      [3, 0.003],
      [4, 0.003],
      [99, 0.001],
    ] as const)
    const billedMiles = Math.min(miles, 60)
    let fareValue =
      ratecodeValue === 2
        ? 52
        : round2(
            2.5 + 2.5 * billedMiles + 0.35 * Math.max(minutes, 0) + 0.5 * standardNormal(random),
          )
    if (random() < 0.003) fareValue = -fareValue // refunds appear as negative amounts
    const extraValue = pick(random, [
      [0, 0.45],
      [0.5, 0.3],
      [1, 0.2],
      [2.75, 0.05],
    ] as const)
    const mtaValue = random() < 0.93 ? 0.5 : 0
    const paymentValue = pick(random, [
      [1, 0.55],
      [2, 0.43],
      [3, 0.015],
      [4, 0.005],
    ] as const)
    const tipValue =
      paymentValue === 1 && random() < 0.85
        ? round2(Math.abs(fareValue) * (0.12 + 0.14 * random()))
        : 0
    const tollsValue = random() < 0.02 ? 6.55 : 0
    const improvementValue = random() < 0.97 ? 0.3 : 0
    const congestionValue = random() < 0.2 ? 2.75 : 0
    const sign = fareValue < 0 ? -1 : 1

    distance.values[i] = miles
    fare.values[i] = fareValue
    extra.values[i] = sign * extraValue
    mtaTax.values[i] = sign * mtaValue
    tip.values[i] = tipValue
    tolls.values[i] = tollsValue
    improvement.values[i] = sign * improvementValue
    const congestionApplied = isSparseRow ? 0 : sign * congestionValue
    total.values[i] = round2(
      fareValue +
        sign * (extraValue + mtaValue + improvementValue) +
        tipValue +
        tollsValue +
        congestionApplied,
    )

    if (isSparseRow) {
      flag[i] = null
      for (const column of [ratecode, passengers, payment, tripType, congestion])
        column.valid[i] = 0
      continue
    }
    flag[i] = random() < 0.005 ? 'Y' : 'N'
    ratecode.values[i] = ratecodeValue
    passengers.values[i] = pick(random, [
      [1, 0.83],
      [2, 0.08],
      [0, 0.012],
      [3, 0.02],
      [4, 0.008],
      [5, 0.03],
      [6, 0.02],
    ] as const)
    payment.values[i] = paymentValue
    tripType.values[i] = ratecodeValue === 5 ? 2 : 1
    congestion.values[i] = congestionValue
  }

  const columns: Record<(typeof GREEN_TRIP_COLUMNS)[number], Data<DataType>> = {
    VendorID: int64Data(vendor),
    lpep_pickup_datetime: timestampData(pickup),
    lpep_dropoff_datetime: timestampData(dropoff),
    store_and_fwd_flag: vectorFromArray(flag, new Utf8()).data[0]!,
    RatecodeID: float64Data(ratecode),
    PULocationID: int64Data(puLocation),
    DOLocationID: int64Data(doLocation),
    passenger_count: float64Data(passengers),
    trip_distance: float64Data(distance),
    fare_amount: float64Data(fare),
    extra: float64Data(extra),
    mta_tax: float64Data(mtaTax),
    tip_amount: float64Data(tip),
    tolls_amount: float64Data(tolls),
    ehail_fee: makeData({ type: new Null(), length: n }),
    improvement_surcharge: float64Data(improvement),
    total_amount: float64Data(total),
    payment_type: float64Data(payment),
    trip_type: float64Data(tripType),
    congestion_surcharge: float64Data(congestion),
  }
  // Every field nullable, as in the TLC files (Arrow JS would otherwise mark the Null column non-nullable).
  const fields = GREEN_TRIP_COLUMNS.map((name) => new Field(name, columns[name].type, true))
  const children = GREEN_TRIP_COLUMNS.map((name) => columns[name])
  const batch = new RecordBatch(
    new Schema(fields),
    makeData({ type: new Struct(fields), length: n, nullCount: 0, children }),
  )
  return new Table([batch])
}
