import type { ParseArgsConfig } from 'node:util'
import { parseArgs } from 'node:util'
import type { CliContext } from './cli-context'
import { CliError } from './cli-context'
import { withUserPaths } from './user-path'

/**
 * Parses a command's arguments strictly with `node:util` `parseArgs`. An unknown or malformed option is
 * one `CliError` (exit code 2) followed by the command's help; `--help` prints the help and yields `null`,
 * for the command to return 0. Path options come back absolute (`withUserPaths`).
 */
export function parseCommandOptions<T extends ParseArgsConfig>(
  context: CliContext,
  help: string,
  config: T,
): ReturnType<typeof parseArgs<T>> | null {
  const withArgs: T = { ...config, args: [...context.args] }
  let parsed: ReturnType<typeof parseArgs<T>>
  try {
    parsed = parseArgs(withArgs)
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${help}`, 2)
  }
  if ((parsed.values as { help?: unknown }).help === true) {
    context.stdout.write(help)
    return null
  }
  // Every front door that takes a path resolves it the same way: against the folder the user typed in.
  return { ...parsed, values: withUserPaths(parsed.values, context.env) }
}
