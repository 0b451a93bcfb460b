import { TripDataError } from './trip-data-errors'

/** The TLC's name for one month of green-taxi trips, e.g. `green_tripdata_2022-01.parquet`. */
export function tripFileName(month: string): string {
  return `green_tripdata_${validateTripMonth(month)}.parquet`
}

/**
 * Checks a month written as `YYYY-MM` (the TLC's own spelling) and returns it unchanged.
 * The TLC publishes green-taxi files from 2013-08 on; anything before 2013 or after 2099 is a typo.
 * @throws {TripDataError} INVALID_REQUEST with a sentence naming the bad value and the expected form.
 */
export function validateTripMonth(month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month)
  const year = Number(match?.[1])
  const monthNumber = Number(match?.[2])
  if (match === null || year < 2013 || year > 2099 || monthNumber < 1 || monthNumber > 12) {
    throw new TripDataError(
      'INVALID_REQUEST',
      `'${month}' is not a month of trip data: write it as YYYY-MM, for example 2022-01.`,
    )
  }
  return month
}

/** Splits `2022-01,2022-02` (spaces allowed) into validated months, keeping order and dropping repeats. */
export function parseTripMonths(list: string): string[] {
  const months = list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
  if (months.length === 0) {
    throw new TripDataError(
      'INVALID_REQUEST',
      'No month given: list months as YYYY-MM, e.g. 2022-01,2022-02.',
    )
  }
  return [...new Set(months.map(validateTripMonth))]
}
