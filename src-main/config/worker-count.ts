import { defaultWorkerCount } from '../adapters/worker/backfill-worker-pool'
import { AppError } from '../shared/errors'

/**
 * Twice the cores: a thread beyond that only waits for a core, while each one loads its own copy of the
 * model, the reference and the month's trips (so 1,000 threads would exhaust memory before doing any work).
 */
export function maxWorkerCount(): number {
  return 2 * defaultWorkerCount()
}

/**
 * Reads a `--workers N` option, the one rule for every front door that takes it (the CLI's backfill and
 * the browser-mode panel): decimal digits only (`Number` would read `0x2` as 2 and `''` as 0), from 1 to
 * {@link maxWorkerCount}.
 * @throws {AppError} INVALID_REQUEST naming the option, the bound and what was given.
 * @example parseWorkerCount('4') // 4 (on a machine with 2 or more cores)
 */
export function parseWorkerCount(text: string): number {
  const maximum = maxWorkerCount()
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > maximum) {
    throw new AppError(
      'INVALID_REQUEST',
      `--workers must be a whole number from 1 to ${maximum} (twice the ${defaultWorkerCount()} core(s) here; more threads only wait for a core and each holds its own copy of the data); got '${text}'.`,
    )
  }
  return value
}
