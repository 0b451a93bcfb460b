import { constants } from 'node:fs'
import { access, mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { AppError } from '../../shared/errors'

/** Advice for a folder under driftdesk's home, true for every front door. */
export const HOME_FOLDER_ADVICE =
  'choose a writable home folder with --home DIR or the DRIFTDESK_HOME environment variable'

/** A folder driftdesk needs could not be created; the message says which, why, and what to do. */
export class FolderNotWritableError extends AppError {
  constructor(
    readonly path: string,
    readonly reason: 'read-only' | 'permission' | 'not-a-folder' | 'disk-full' | 'other',
    message: string,
    options?: { cause?: unknown },
  ) {
    super('NOT_AVAILABLE', message, options)
    this.name = 'FolderNotWritableError'
  }
}

/**
 * `mkdir -p` that explains a failure. Node's recursive mkdir reports a read-only file system as ENOENT
 * ("no such file or directory"), which sent users looking for a missing file or freeing disk space; here the
 * first missing folder is created on its own to learn the real cause (EROFS, EACCES, ENOTDIR, ENOSPC).
 *
 * @param what the folder's role in a sentence, e.g. "driftdesk's home folder"
 * @param advice what to do, worded by the caller for its front door, e.g. "pass --home DIR with a writable folder"
 * @throws {FolderNotWritableError} one sentence: the folder, the cause and the advice
 */
export async function createFolder(path: string, what: string, advice: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true })
  } catch (error) {
    throw await explainFailure(path, what, advice, error)
  }
  // An existing folder on a read-only mount is "created" by mkdir -p; writing into it fails later.
  const denied = await access(path, constants.W_OK).then(
    () => null,
    (error: unknown) => error as NodeJS.ErrnoException,
  )
  if (denied?.code === 'EROFS') {
    throw new FolderNotWritableError(
      path,
      'read-only',
      `${what} ${path} is on a read-only file system: ${advice}.`,
      { cause: denied },
    )
  }
  if (denied !== null) {
    throw new FolderNotWritableError(
      path,
      'permission',
      `${what} ${path} is not writable by this user: ${advice}.`,
      { cause: denied },
    )
  }
}

async function explainFailure(
  path: string,
  what: string,
  advice: string,
  error: unknown,
): Promise<FolderNotWritableError> {
  // Walk up to the deepest folder that exists, then try to create its child to get the real errno.
  let missing = path
  while (dirname(missing) !== missing && (await stat(dirname(missing)).catch(() => null)) === null)
    missing = dirname(missing)
  let code = (error as NodeJS.ErrnoException).code
  const parent = dirname(missing)
  const parentInfo = await stat(parent).catch(() => null)
  if (parentInfo !== null && !parentInfo.isDirectory()) code = 'ENOTDIR'
  else {
    code = await mkdir(missing).then(
      () => code,
      (probe: unknown) => (probe as NodeJS.ErrnoException).code ?? code,
    )
  }
  const cause = { cause: error }
  switch (code) {
    case 'EROFS':
      return new FolderNotWritableError(
        path,
        'read-only',
        `${what} ${path} cannot be created because ${parent} is on a read-only file system: ${advice}.`,
        cause,
      )
    case 'EACCES':
    case 'EPERM':
      return new FolderNotWritableError(
        path,
        'permission',
        `${what} ${path} cannot be created because this user may not write to ${parent}: ${advice}.`,
        cause,
      )
    case 'ENOTDIR':
    case 'EEXIST':
      return new FolderNotWritableError(
        path,
        'not-a-folder',
        `${what} ${path} cannot be created because ${(await stat(path).catch(() => null))?.isFile() === true ? path : parent} is a file, not a folder: ${advice}.`,
        cause,
      )
    case 'ENOSPC':
    case 'EDQUOT':
      return new FolderNotWritableError(
        path,
        'disk-full',
        `${what} ${path} cannot be created because the disk is full: free some space, or ${advice}.`,
        cause,
      )
    default:
      return new FolderNotWritableError(
        path,
        'other',
        `${what} ${path} cannot be created (${error instanceof Error ? error.message : String(error)}): ${advice}.`,
        cause,
      )
  }
}
