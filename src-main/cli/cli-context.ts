import { AppError } from '../shared/errors'

/**
 * What a command receives: its arguments, the environment and the two output streams. Commands write
 * machine-readable output (`--json`) to `stdout` only; progress bars and messages go to `stderr`.
 */
export interface CliContext {
  readonly args: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: { write(text: string): unknown }
  readonly stderr: { write(text: string): unknown; isTTY?: boolean }
  /** Aborted on SIGINT/SIGTERM so long commands can stop cleanly. */
  readonly signal: AbortSignal
}

/** A command's entry point; resolves to the process exit code. */
export type CommandRun = (context: CliContext) => Promise<number>

export interface CommandModule {
  readonly summary: string
  readonly run: CommandRun
}

/** An error a command reports as one clear sentence (what, where, what to do) and a non-zero exit. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/**
 * Turns a service's `AppError` into the CLI's one-sentence error: exit 2 for a bad request (the user can
 * fix the command line), 1 otherwise. Anything else is returned as is.
 */
export function toCliError(error: unknown): unknown {
  if (error instanceof CliError) return error
  if (error instanceof AppError) {
    return new CliError(
      error.message,
      error.code === 'INVALID_REQUEST' || error.code === 'RUN_NOT_FOUND' ? 2 : 1,
    )
  }
  return error
}
