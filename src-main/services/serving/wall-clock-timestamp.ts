import { parseTimestampMicros } from '../../core/data/text-column-builder'

/**
 * The JSON Schema `format` of a record's timestamp fields (with their pattern). The pattern alone takes
 * `2022-02-30T00:05:12` or `2022-02-01T25:00`, which PostgreSQL's `timestamp` refuses ("date/time field
 * value out of range"); a request carrying one must be refused at the door, naming the field, instead of
 * failing in the database.
 */
export const WALL_CLOCK_TIMESTAMP_FORMAT = 'wall-clock-timestamp'

/**
 * Whether `text` names a real moment: a calendar date that exists (February 29th only in leap years),
 * hours 00-23, minutes and seconds 00-59, a year from 0001 (PostgreSQL has no year 0; the core parser
 * reads it as the proleptic 1 BC).
 */
export function isWallClockTimestamp(text: string): boolean {
  return !text.startsWith('0000') && parseTimestampMicros(text) !== null
}
