/**
 * The one error type that crosses a boundary (IPC, WebSocket, worker). Adapters translate library errors
 * into an `AppError` with a `code`; services add context; the IPC/WebSocket front doors serialise it; the
 * renderer maps the `code` to help text. Codes are a closed union so the help table is checked by the compiler.
 */
export const APP_ERROR_CODES = [
  'DOCKER_UNAVAILABLE',
  'IMAGE_PULL_DENIED',
  'IMAGE_NOT_FOUND',
  'PORT_IN_USE',
  'STACK_UNHEALTHY',
  'DB_UNREACHABLE',
  'DATA_FILE_MISSING',
  'DATA_FILE_INVALID',
  'DOWNLOAD_FAILED',
  'MODEL_NOT_TRAINED',
  'PIPELINE_INPUT_INVALID',
  'LIVE_PROCESS_FAILED',
  'RUN_NOT_FOUND',
  'JOB_NOT_FOUND',
  'NOT_AVAILABLE',
  'INVALID_REQUEST',
  'FORBIDDEN',
  'BUSY',
  'CANCELLED',
  'INTERNAL',
] as const

export type AppErrorCode = (typeof APP_ERROR_CODES)[number]

/** An error as plain data: what crosses IPC and the WebSocket. `cause` is a message chain, never a stack. */
export interface SerializedError {
  readonly code: AppErrorCode
  readonly message: string
  readonly cause?: string
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'AppError'
  }
}

export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === 'string' && (APP_ERROR_CODES as readonly string[]).includes(value)
}

/**
 * Turns anything thrown into plain data. An `AppError` keeps its code; an error that carries a known
 * `code` property (a service's own error class) keeps it too; anything else becomes `INTERNAL`.
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    const cause = error.cause instanceof Error ? error.cause.message : undefined
    return {
      code: isAppErrorCode(code) ? code : error.name === 'AbortError' ? 'CANCELLED' : 'INTERNAL',
      message: error.message,
      ...(cause === undefined ? {} : { cause }),
    }
  }
  return { code: 'INTERNAL', message: String(error) }
}

/** Rebuilds a thrown `AppError` from its serialised form (the renderer's side of the envelope). */
export function deserializeError(error: SerializedError): AppError {
  const rebuilt = new AppError(error.code, error.message)
  if (error.cause !== undefined) rebuilt.cause = error.cause
  return rebuilt
}
