import type { Column, Frame } from '../data/frame'
import { getColumn } from '../data/frame'
import { DROPOFF_COLUMN, MODEL_FEATURES, PICKUP_COLUMN } from './course-columns'

/** What the course's code does with a column: subtracts it as a timestamp, or uses it as a number. */
export type TripColumnExpectation = 'timestamp' | 'number'

/**
 * The physical types the course's pandas code can use, per column of a TLC green-taxi file: the two
 * timestamps are subtracted (`dt.total_seconds()`), the six features feed the OLS model and the drift
 * metrics as numbers (the location ids are int64 in most months and double in some). A boolean
 * `PULocationID` would be read by pandas as True/False and give drift on 0/1: a wrong file, not data.
 */
export const TRIP_COLUMN_EXPECTATIONS: ReadonlyMap<string, TripColumnExpectation> = new Map<
  string,
  TripColumnExpectation
>([
  [PICKUP_COLUMN, 'timestamp'],
  [DROPOFF_COLUMN, 'timestamp'],
  ...MODEL_FEATURES.map((name): [string, TripColumnExpectation] => [name, 'number']),
])

const EXPECTED_WORDING: Readonly<Record<TripColumnExpectation, string>> = {
  timestamp: 'a timestamp (Parquet INT64 TIMESTAMP)',
  number: 'numbers (a Parquet integer or floating-point column)',
}

/**
 * Checks that a frame has every column the course needs, each of a physical type the course can use.
 *
 * @throws {RangeError} naming the first missing column (and the columns the data has), or the first column of
 * the wrong type with the type it holds and the type expected
 * @example checkTripColumns(frameWithBooleanPULocationID)
 * // RangeError: Column 'PULocationID' holds booleans, but the course needs numbers (a Parquet integer or …).
 */
export function checkTripColumns(frame: Frame): void {
  for (const [name, expected] of TRIP_COLUMN_EXPECTATIONS) {
    const column = getColumn(frame, name)
    if (!isUsable(column, expected)) {
      throw new RangeError(
        `Column '${name}' holds ${describeKind(column)}, but the course needs ${EXPECTED_WORDING[expected]}.`,
      )
    }
  }
}

function isUsable(column: Column, expected: TripColumnExpectation): boolean {
  if (expected === 'timestamp') return column.kind === 'timestamp_us'
  // An all-null column is missing data, not a wrong type: each day reports it as an empty column.
  return (
    column.kind === 'float64' ||
    column.kind === 'int64' ||
    column.kind === 'int32' ||
    column.kind === 'null'
  )
}

function describeKind(column: Column): string {
  switch (column.kind) {
    case 'bool':
      return 'booleans'
    case 'string':
      return 'strings'
    case 'timestamp_us':
      return 'timestamps'
    default:
      return 'numbers'
  }
}
