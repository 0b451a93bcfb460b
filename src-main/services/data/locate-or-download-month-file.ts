import type { AppConfig } from '../../config/app-config'
import { AppError } from '../../shared/errors'
import type { TripDownloadTuning } from './ensure-trip-files'
import { locateTripFile } from './locate-trip-file'
import type { TripFileProgress } from './trip-file-progress'

/**
 * The path of a month's trip file: found in `config.dataDir` (--data-dir) or the cache without any
 * network when it is there, else — only when no data folder was given — downloaded into the cache
 * (progress through `onProgress`). One place for what the CLI, the scheduler's jobs and the app need.
 * @throws {AppError} DATA_FILE_MISSING (a data folder without the file), DATA_FILE_INVALID,
 * DOWNLOAD_FAILED or CANCELLED, each one sentence naming the file and what to do.
 */
export async function locateOrDownloadMonthFile(
  config: Pick<AppConfig, 'dataDir' | 'cacheDir' | 'tripDataBaseUrl'>,
  month: string,
  options: {
    readonly onProgress?: (event: TripFileProgress) => void
    readonly signal?: AbortSignal
    readonly tuning?: TripDownloadTuning
  } = {},
): Promise<string> {
  try {
    return (await locateTripFile(config, month)).path
  } catch (error) {
    const missingFromCache =
      config.dataDir === null && error instanceof AppError && error.code === 'DATA_FILE_MISSING'
    if (!missingFromCache) throw error
  }
  // Loaded only when a download is needed (it brings the downloader and Parquet validator along).
  const { ensureTripFiles } = await import('./ensure-trip-files')
  const [file] = await ensureTripFiles(
    config,
    [month],
    options.onProgress,
    options.signal,
    options.tuning,
  )
  if (file === undefined) throw new AppError('INTERNAL', `No file was made ready for ${month}.`)
  return file.path
}
