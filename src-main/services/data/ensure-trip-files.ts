import type { AppConfig } from '../../config/app-config'
import { DownloadError } from '../../adapters/fetch/download-error'
import { createFolder, HOME_FOLDER_ADVICE } from '../../adapters/files/create-folder'
import type { DownloadOptions } from '../../adapters/fetch/download-file'
import { downloadFile } from '../../adapters/fetch/download-file'
import type { ParquetFileCheck } from '../../adapters/fetch/validate-parquet-file'
import { PARQUET_MAGIC, validateParquetFile } from '../../adapters/fetch/validate-parquet-file'
import { locateTripFile, tripFileLocation } from './locate-trip-file'
import { TripDataError } from './trip-data-errors'
import type { TripFileLocation } from './trip-file-location'
import type { ReadyTripFile, TripFileProgress } from './trip-file-progress'

/** Retry tuning, exposed so tests can make backoff short; the defaults suit a real network. */
export type TripDownloadTuning = Pick<
  DownloadOptions,
  'maxAttempts' | 'retryDelayMs' | 'idleTimeoutMs' | 'progressIntervalMs'
>

/**
 * Makes the Parquet file of every month available and valid, in order, and says where each one is.
 * - With `config.dataDir` (--data-dir) the files must already be there; they are validated, never changed.
 * - Otherwise a valid file in `config.cacheDir` is used as is (no network), and a missing, truncated or
 *   non-Parquet one is downloaded from `config.tripDataBaseUrl` (DRIFTDESK_TRIP_DATA_URL in tests).
 * @throws {TripDataError} DATA_FILE_MISSING, DATA_FILE_INVALID, DOWNLOAD_FAILED or CANCELLED, each with a
 * sentence that names the file and the way out (the cache folder to fill by hand, or --data-dir).
 */
export async function ensureTripFiles(
  config: Pick<AppConfig, 'dataDir' | 'cacheDir' | 'tripDataBaseUrl'>,
  months: readonly string[],
  onProgress: (event: TripFileProgress) => void = () => undefined,
  signal?: AbortSignal,
  tuning: TripDownloadTuning = {},
): Promise<ReadyTripFile[]> {
  const ready: ReadyTripFile[] = []
  for (const month of months) {
    if (signal?.aborted === true) {
      throw new TripDataError(
        'CANCELLED',
        `Stopped before ${month}: the files listed as ready are complete.`,
      )
    }
    const location =
      config.dataDir === null
        ? tripFileLocation(config, month)
        : await locateTripFile(config, month)
    ready.push(await ensureTripFile(config, location, onProgress, signal, tuning))
  }
  return ready
}

async function ensureTripFile(
  config: Pick<AppConfig, 'cacheDir' | 'tripDataBaseUrl'>,
  location: TripFileLocation,
  onProgress: (event: TripFileProgress) => void,
  signal: AbortSignal | undefined,
  tuning: TripDownloadTuning,
): Promise<ReadyTripFile> {
  const { month, fileName, path, source } = location
  onProgress({ type: 'checking', month, fileName, path })
  const existing = await validateParquetFile(path).catch(() => null)
  if (existing?.ok === true) {
    onProgress({
      type: 'ready',
      month,
      fileName,
      path,
      source,
      status: 'present',
      bytes: existing.bytes,
      rows: existing.rows,
    })
    return { ...location, status: 'present', bytes: existing.bytes, rows: existing.rows }
  }
  if (location.source === 'data-dir') {
    throw new TripDataError(
      'DATA_FILE_INVALID',
      `${path} is not a usable Parquet file (${existing?.problem ?? 'it cannot be opened'}): replace it with the TLC's ${fileName}.`,
    )
  }
  if (existing !== null)
    onProgress({ type: 'replacing', month, fileName, path, problem: existing.problem })

  const url = `${config.tripDataBaseUrl}/${fileName}`
  await createFolder(location.folder, 'The download cache', HOME_FOLDER_ADVICE)
  // The check of the complete .part file is kept: its row count describes the renamed file.
  const verified: { check?: ParquetFileCheck & { ok: true } } = {}
  try {
    await downloadFile({
      ...tuning,
      url,
      destination: path,
      signal,
      expectedPrefix: PARQUET_MAGIC,
      validate: async (partPath) => {
        const check = await validateParquetFile(partPath)
        if (!check.ok) return check.problem
        verified.check = check
        return null
      },
      onEvent: (event) => {
        if (event.type === 'bytes')
          onProgress({ ...event, type: 'downloading', month, fileName, url })
        else onProgress({ ...event, type: 'retrying', month, fileName })
      },
    })
  } catch (error) {
    if (error instanceof DownloadError) throw downloadFailure(error, location)
    throw error
  }
  const downloaded = verified.check
  if (downloaded === undefined) throw new Error(`downloadFile returned without validating ${path}`)
  const status = existing === null ? 'downloaded' : 'replaced'
  onProgress({
    type: 'ready',
    month,
    fileName,
    path,
    source,
    status,
    bytes: downloaded.bytes,
    rows: downloaded.rows,
  })
  return { ...location, status, bytes: downloaded.bytes, rows: downloaded.rows }
}

/** Adds what only the service knows (the month, the cache folder) to an adapter's failure. */
function downloadFailure(error: DownloadError, location: TripFileLocation): TripDataError {
  const { fileName, folder, month } = location
  const byHand = `put ${fileName} in ${folder} yourself, or pass --data-dir DIR with a folder that holds it`
  const cause = { cause: error }
  switch (error.kind) {
    case 'unreachable':
      return new TripDataError(
        'DOWNLOAD_FAILED',
        `Could not download ${fileName} because ${error.detail}: check the internet connection, or ${byHand}.`,
        cause,
      )
    case 'http-status': {
      const missing =
        error.extra.status === 403 || error.extra.status === 404 || error.extra.status === 410
      const advice = missing
        ? `the TLC may have no file for ${month} (yet: it publishes each month about two months later), so check the month, or ${byHand}`
        : `try again later, or ${byHand}`
      return new TripDataError(
        'DOWNLOAD_FAILED',
        `Could not download ${error.url} because ${error.detail}: ${advice}.`,
        cause,
      )
    }
    case 'unexpected-content':
    case 'invalid':
      return new TripDataError(
        'DATA_FILE_INVALID',
        `The download of ${error.url} is not a Parquet file because ${error.detail}: check DRIFTDESK_TRIP_DATA_URL (a proxy or captive portal may answer instead of the TLC), or ${byHand}.`,
        cause,
      )
    case 'interrupted':
      return new TripDataError(
        'DOWNLOAD_FAILED',
        `Could not download ${error.url} because ${error.detail}: try again later, or ${byHand}.`,
        cause,
      )
    case 'cancelled':
      return new TripDataError(
        'CANCELLED',
        `The download of ${fileName} was cancelled; nothing was kept.`,
        cause,
      )
  }
}
