import { stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { ParquetFileAdvice } from '../../adapters/parquet/read-parquet-frame'
import type { AppConfig } from '../../config/app-config'
import { TripDataError } from './trip-data-errors'
import { tripFileName } from './trip-file-name'
import type { TripFileLocation } from './trip-file-location'
import { tripFileFolder } from './trip-file-location'

/**
 * Finds the Parquet file of one month: in `config.dataDir` when the user gave one (--data-dir), else in
 * the download cache `config.cacheDir`. Checks only that the file exists; `ensureTripFiles` validates.
 * @throws {TripDataError} INVALID_REQUEST for a malformed month; DATA_FILE_MISSING, in one sentence naming
 * the file, the folder and what to do, when the file is not there.
 */
export async function locateTripFile(
  config: Pick<AppConfig, 'dataDir' | 'cacheDir'>,
  month: string,
): Promise<TripFileLocation> {
  const location = tripFileLocation(config, month)
  const isFile = await stat(location.path).then(
    (info) => info.isFile(),
    () => false,
  )
  if (!isFile) throw missingTripFileError(location)
  return location
}

/** The path a month's file has (or will have once downloaded), without touching the disk. */
export function tripFileLocation(
  config: Pick<AppConfig, 'dataDir' | 'cacheDir'>,
  month: string,
): TripFileLocation {
  const fileName = tripFileName(month)
  const { folder, source } = tripFileFolder(config)
  return { month, fileName, path: join(folder, fileName), source, folder }
}

function missingTripFileError(location: TripFileLocation): TripDataError {
  const fetchCommand = `npm run driftdesk -- fetch --months ${location.month}`
  const message =
    location.source === 'data-dir'
      ? `${location.fileName} is not in the data folder ${location.folder}: put the TLC file there, or run \`${fetchCommand}\` without --data-dir to download it into the cache.`
      : `${location.fileName} is not in the download cache ${location.folder}: run \`${fetchCommand}\` to download it, put the file there yourself, or pass --data-dir DIR with a folder that holds it.`
  return new TripDataError('DATA_FILE_MISSING', message)
}

/**
 * The advice the Parquet reader appends when a month's file is missing or unusable, worded for where the
 * file is: a file outside driftdesk's download cache is the user's (--data-dir) to replace (driftdesk never
 * downloads into it), a file in the cache is fetched again. Without this, a --data-dir file was blamed on
 * `fetch`. Decided by the file's folder, so it holds wherever the path came from (a request's own data
 * folder, a worker that only has the path).
 */
export function tripFileAdvice(
  path: string,
  config: Pick<AppConfig, 'cacheDir'>,
  month: string,
): ParquetFileAdvice {
  const folder = dirname(path)
  const fileName = tripFileName(month)
  const fetchCommand = `npm run driftdesk -- fetch --months ${month}`
  return resolve(folder) !== resolve(config.cacheDir)
    ? {
        missing: `put the TLC's ${fileName} in the data folder ${folder} (given with --data-dir), or run \`${fetchCommand}\` and leave out --data-dir to use the download cache`,
        invalid: `replace it with the TLC's ${fileName} (driftdesk never changes files in the --data-dir folder)`,
      }
    : {
        missing: `run \`${fetchCommand}\` to download it into the cache, or pass --data-dir DIR with a folder that holds it`,
        invalid: `run \`${fetchCommand}\`, which replaces an unusable cached file`,
      }
}
