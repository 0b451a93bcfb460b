import type { AppErrorCode, SerializedError } from '../../../src-main/shared/errors'
import { AppError, isAppErrorCode } from '../../../src-main/shared/errors'

export interface ErrorHelp {
  readonly title: string
  readonly help: string
}

/** What each error code means for the person in front of the panel, and what to try next. */
const HELP: { readonly [C in AppErrorCode]: ErrorHelp } = {
  DOCKER_UNAVAILABLE: {
    title: 'No container engine',
    help: 'Install and start Docker Desktop or Podman, then try again. Everything else keeps working on the embedded database.',
  },
  IMAGE_PULL_DENIED: {
    title: 'Image pull refused',
    help: 'The registry refused the image. Check that you are logged in and that the image name is right.',
  },
  IMAGE_NOT_FOUND: {
    title: 'Image not available',
    help: 'The image is not on this machine and could not be downloaded. Connect to the internet and start the stack again.',
  },
  PORT_IN_USE: {
    title: 'Port already taken',
    help: 'Another program uses the port. Stop it, or let driftdesk choose another port by starting again.',
  },
  STACK_UNHEALTHY: {
    title: 'A service did not become healthy',
    help: 'Look at the service logs (`npm run driftdesk -- stack logs SERVICE`) and start the stack again.',
  },
  DB_UNREACHABLE: {
    title: 'Database not reachable',
    help: 'driftdesk could not talk to PostgreSQL. If you use an external database, check that it is running.',
  },
  DATA_FILE_MISSING: {
    title: 'Trip file missing',
    help: 'Download the month on the Setup page, or choose a folder that holds the TLC Parquet files.',
  },
  DATA_FILE_INVALID: {
    title: 'Trip file unreadable',
    help: 'The file is not a complete Parquet file. Download it again on the Setup page.',
  },
  DOWNLOAD_FAILED: {
    title: 'Download failed',
    help: 'Check the internet connection, or place the file in the data folder yourself.',
  },
  MODEL_NOT_TRAINED: {
    title: 'No model yet',
    help: 'Train the model on the Model page first.',
  },
  PIPELINE_INPUT_INVALID: {
    title: 'Cannot start the backfill',
    help: 'Check the month, the number of days and the pace.',
  },
  RUN_NOT_FOUND: {
    title: 'Run not found',
    help: 'The run may have been removed. Refresh the list.',
  },
  JOB_NOT_FOUND: { title: 'Job already finished', help: 'There is nothing left to cancel.' },
  NOT_AVAILABLE: {
    title: 'Not available yet',
    help: 'This part of driftdesk is not wired into this build yet.',
  },
  INVALID_REQUEST: {
    title: 'Invalid request',
    help: 'The panel sent something the main process rejected. Reload the page; if it persists, report a bug.',
  },
  FORBIDDEN: {
    title: 'Not allowed',
    help: 'Open the panel from the URL `npm start` printed (it carries the access token).',
  },
  BUSY: {
    title: 'Busy',
    help: 'driftdesk is already doing this (the message says what). Wait for it to finish, or cancel it, then try again.',
  },
  CANCELLED: { title: 'Cancelled', help: 'The job was stopped. You can start it again.' },
  INTERNAL: {
    title: 'Something went wrong',
    help: 'An unexpected error happened. The message below says where; the logs in the terminal say more.',
  },
}

/**
 * The help entry for any error the panel holds: a thrown `AppError`, or the plain `SerializedError` a
 * job's `failed` event carries; anything else is INTERNAL.
 */
export function describeError(
  error: unknown,
): ErrorHelp & { readonly message: string; readonly code: AppErrorCode } {
  if (error instanceof AppError)
    return { ...HELP[error.code], code: error.code, message: error.message }
  const candidate = error as Partial<SerializedError> | null
  if (typeof candidate === 'object' && candidate !== null && isAppErrorCode(candidate.code)) {
    return {
      ...HELP[candidate.code],
      code: candidate.code,
      message: String(candidate.message ?? ''),
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { ...HELP.INTERNAL, code: 'INTERNAL', message }
}
