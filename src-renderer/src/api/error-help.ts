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
    help: 'The service table above shows which one; press Start stack again. Its container log says why (docker or podman logs driftdesk-SERVICE).',
  },
  DB_UNREACHABLE: {
    title: 'Database not reachable',
    help: 'driftdesk could not talk to PostgreSQL. If you use an external database, check that it is running.',
  },
  DATA_FILE_MISSING: {
    title: 'Trip file missing',
    help: 'Download the month on the Setup page (Trip data → Download missing files), or point the panel at a folder that holds the TLC Parquet files there.',
  },
  DATA_FILE_INVALID: {
    title: 'Trip file unreadable',
    help: 'The file is not a complete Parquet file. Delete it and download it again on the Setup page (Trip data).',
  },
  DOWNLOAD_FAILED: {
    title: 'Download failed',
    help: 'Check the internet connection and press Download missing files again, or place the file in the data folder yourself.',
  },
  LIVE_PROCESS_FAILED: {
    title: 'A live process stopped',
    help: "One of the live session's processes (service, replay or collector) ended on its own; the message says which, how, and its last lines. The others were stopped. Fix what it says and press Start again.",
  },
  MODEL_NOT_TRAINED: {
    title: 'No model yet',
    help: 'Train the model of this reference month on the Model page (Train model), then try again.',
  },
  PIPELINE_INPUT_INVALID: {
    title: 'Cannot start the backfill',
    help: 'Check the month, the number of days and the pace in the form above, then press Start backfill again.',
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
    help: 'A value in the form above was refused: the message says which. Change it (day, preset, reference month, month or days) and try again.',
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
 * Help that differs on the Setup page itself: there, "go to the Setup page" would send the person where
 * they already are, so it names the control on the page instead.
 */
const HELP_ON_SETUP: { readonly [C in AppErrorCode]?: ErrorHelp } = {
  DATA_FILE_MISSING: {
    title: 'Trip file missing',
    help: 'Press Download missing files above, or type a folder that holds the TLC Parquet files and press Use folder.',
  },
  DATA_FILE_INVALID: {
    title: 'Trip file unreadable',
    help: 'The file is not a complete Parquet file. Delete it and press Download missing files above.',
  },
  DOWNLOAD_FAILED: {
    title: 'Download failed',
    help: 'Check the internet connection and press Download missing files again, or put the file in the folder named above yourself.',
  },
}

/** Where an error is shown: a view with its own controls words the help for them. */
export type ErrorPlace = 'setup' | 'elsewhere'

/**
 * The services word their messages for the command line too: "what happened: what to do", where the
 * second half may name a CLI flag or command (`pass an earlier --reference-month`, `run \`npm run
 * driftdesk -- fetch\``). Inside the panel that advice points at the wrong front door, so the panel keeps
 * what happened and gives its own help (the code's entry, which names the panel's controls).
 */
function panelMessage(message: string, code: AppErrorCode): string {
  // A live process's failure quotes what the child printed (a CLI sentence naming its options): that
  // quote is what happened, not advice for another front door.
  if (code === 'LIVE_PROCESS_FAILED') return message
  const cliAdvice = /(^|[\s(`])--[a-z][a-z-]*|npm run driftdesk/
  const match = cliAdvice.exec(message)
  if (match === null) return message
  const before = message.slice(0, match.index)
  const cut = before.lastIndexOf(': ')
  if (cut <= 0) return message
  return `${message.slice(0, cut)}.`
}

/**
 * The help entry for any error the panel holds: a thrown `AppError`, or the plain `SerializedError` a
 * job's `failed` event carries; anything else is INTERNAL.
 */
export function describeError(
  error: unknown,
  place: ErrorPlace = 'elsewhere',
): ErrorHelp & { readonly message: string; readonly code: AppErrorCode } {
  const help = (code: AppErrorCode): ErrorHelp =>
    (place === 'setup' ? HELP_ON_SETUP[code] : undefined) ?? HELP[code]
  if (error instanceof AppError)
    return {
      ...help(error.code),
      code: error.code,
      message: panelMessage(error.message, error.code),
    }
  const candidate = error as Partial<SerializedError> | null
  if (typeof candidate === 'object' && candidate !== null && isAppErrorCode(candidate.code)) {
    return {
      ...help(candidate.code),
      code: candidate.code,
      message: panelMessage(String(candidate.message ?? ''), candidate.code),
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { ...HELP.INTERNAL, code: 'INTERNAL', message }
}
