import type { Static, TSchema } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import { MODEL_FEATURES } from '../../core/pipeline/course-columns'
import { WALL_CLOCK_TIMESTAMP_FORMAT } from './wall-clock-timestamp'

/** A value of `schema`, or null: a field sent as null is a missing value (pandas NaN). */
function nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()])
}

/**
 * TLC timestamps as the files hold them: local New York time without a zone, to the second (a fraction
 * is allowed), written the way pandas/ISO prints it: `2022-02-01 00:05:12` or `2022-02-01T00:05:12`; a
 * moment that exists (the format), not February 30th.
 */
const TripTimestamp = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?$',
  format: WALL_CLOCK_TIMESTAMP_FORMAT,
  description: 'local time without a zone, e.g. 2022-02-01T00:05:12',
})

/** An id the files store as int64 (JavaScript numbers are exact up to 2^53). */
const TripId = Type.Integer()

/**
 * One NYC TLC green-taxi trip record: the 20 columns of the 2022 files with their types, every one
 * nullable (a null is a missing value). The model's six features must be present (null allowed, then
 * predicted as 0 the way the course fills them); every other column may be left out; a field that is
 * not a column of the file is refused.
 */
export const TripRecordSchema = Type.Object(
  {
    VendorID: Type.Optional(nullable(TripId)),
    lpep_pickup_datetime: Type.Optional(nullable(TripTimestamp)),
    lpep_dropoff_datetime: Type.Optional(nullable(TripTimestamp)),
    store_and_fwd_flag: Type.Optional(nullable(Type.String({ maxLength: 1 }))),
    RatecodeID: Type.Optional(nullable(Type.Number())),
    PULocationID: nullable(TripId),
    DOLocationID: nullable(TripId),
    passenger_count: nullable(Type.Number()),
    trip_distance: nullable(Type.Number()),
    fare_amount: nullable(Type.Number()),
    extra: Type.Optional(nullable(Type.Number())),
    mta_tax: Type.Optional(nullable(Type.Number())),
    tip_amount: Type.Optional(nullable(Type.Number())),
    tolls_amount: Type.Optional(nullable(Type.Number())),
    ehail_fee: Type.Optional(nullable(Type.Number())),
    improvement_surcharge: Type.Optional(nullable(Type.Number())),
    total_amount: nullable(Type.Number()),
    payment_type: Type.Optional(nullable(Type.Number())),
    trip_type: Type.Optional(nullable(Type.Number())),
    congestion_surcharge: Type.Optional(nullable(Type.Number())),
  },
  { additionalProperties: false },
)

export type TripRecord = Static<typeof TripRecordSchema>

/** The record's field names (the TLC file's 20 columns, in file order). */
export const TRIP_RECORD_FIELDS = Object.keys(TripRecordSchema.properties) as (keyof TripRecord)[]

/** The fields the model needs (present in every record, null allowed). */
const REQUIRED_TRIP_RECORD_FIELDS: readonly string[] = TripRecordSchema.required ?? []

// The schema's required fields are exactly the course model's features; a drift here is a bug.
if ([...REQUIRED_TRIP_RECORD_FIELDS].sort().join() !== [...MODEL_FEATURES].sort().join()) {
  throw new Error('TripRecordSchema must require exactly the course model features.')
}

/** What a field holds, in words, for error messages. */
export function describeTripRecordField(field: string): string | null {
  switch (field) {
    case 'VendorID':
    case 'PULocationID':
    case 'DOLocationID':
      return 'an integer or null'
    case 'lpep_pickup_datetime':
    case 'lpep_dropoff_datetime':
      return "a local time like '2022-02-01T00:05:12' or null"
    case 'store_and_fwd_flag':
      return "a one-letter flag ('Y' or 'N') or null"
    default:
      return (TRIP_RECORD_FIELDS as string[]).includes(field) ? 'a number or null' : null
  }
}
