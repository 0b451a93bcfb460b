import { AppError } from '../../shared/errors'

/** The error codes the trip-data service raises; a subset of the shared `AppErrorCode` union. */
export type TripDataErrorCode =
  'DATA_FILE_MISSING' | 'DATA_FILE_INVALID' | 'DOWNLOAD_FAILED' | 'INVALID_REQUEST' | 'CANCELLED'

/**
 * A trip file could not be found, read or downloaded. The message is one sentence a person can act on:
 * which file, which folder or server, and what to do next. It is an `AppError`, so its code survives
 * serialisation across IPC and the WebSocket unchanged.
 */
export class TripDataError extends AppError {
  constructor(
    override readonly code: TripDataErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
    this.name = 'TripDataError'
  }
}
