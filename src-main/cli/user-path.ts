import { statSync } from 'node:fs'
import process from 'node:process'
import { dirname, isAbsolute, resolve, sep } from 'node:path'
import type { CliContext } from './cli-context'

/**
 * The options whose values are paths the user typed, resolved by {@link withUserPaths}. `--project`
 * is not among them: it is a project's name or a file, so it goes through `resolveProject` with
 * {@link userDirectory} as the folder a file is looked up in.
 */
export const USER_PATH_OPTIONS = [
  'reference',
  'current',
  'output',
  'html',
  'answered-file',
  'home',
  'data-dir',
  'input',
] as const

/**
 * The folder the user typed the command in. `npm run driftdesk -- …` runs the CLI with the package root
 * as its working directory and records the folder the learner was in as `INIT_CWD`
 * (https://docs.npmjs.com/cli/commands/npm-run-script), so a relative path must be resolved against
 * `INIT_CWD` when npm started this command; run directly (`node --import tsx src-main/cli/main.ts`), the
 * process's own working directory is that folder. `INIT_CWD` alone does not say npm started it: every
 * process under any npm script inherits it (a learner's own script that cd's elsewhere, an editor's npm
 * terminal, the Live view's children). npm (9–11) also sets `npm_package_json` to the package.json of the
 * package it runs the script in, with that package as the working directory, so `INIT_CWD` is honoured
 * only when that file is in the working directory.
 */
export function userDirectory(env: CliContext['env']): string {
  const initCwd = env.INIT_CWD
  const packageJson = env.npm_package_json
  const cwd = process.cwd()
  const startedByNpmHere =
    packageJson !== undefined &&
    packageJson !== '' &&
    isAbsolute(packageJson) &&
    resolve(dirname(packageJson)) === resolve(cwd)
  return startedByNpmHere && initCwd !== undefined && initCwd !== '' && isAbsolute(initCwd)
    ? initCwd
    : cwd
}

/**
 * A path from the command line made absolute against {@link userDirectory}. A trailing slash is kept:
 * it says the user named a folder, which `OutputFile` refuses with its own message.
 */
export function userPath(env: CliContext['env'], given: string): string {
  const absolute = resolve(userDirectory(env), given)
  return /[/\\]$/.test(given) && !absolute.endsWith(sep) ? `${absolute}${sep}` : absolute
}

/** Parsed option values with every {@link USER_PATH_OPTIONS} value (one or repeated) made absolute. */
export function withUserPaths<T extends object>(values: T, env: CliContext['env']): T {
  const copy = { ...values } as Record<string, unknown>
  for (const name of USER_PATH_OPTIONS) {
    const value = copy[name]
    if (typeof value === 'string') copy[name] = userPath(env, value)
    else if (Array.isArray(value))
      copy[name] = value.map((v: unknown) => (typeof v === 'string' ? userPath(env, v) : v))
  }
  return copy as T
}

/**
 * A command line saved to run later (`schedule add … backfill --reference ./log.csv`) with its paths
 * made absolute now: the schedule fires from the daemon's folder, not the one the user typed in. Each
 * {@link USER_PATH_OPTIONS} value (`--opt VALUE` or `--opt=VALUE`) is resolved; `--project` only when it
 * names a file that exists here (otherwise it is a stored project's name and stays as typed).
 */
export function withUserPathArgs(args: readonly string[], env: CliContext['env']): string[] {
  const paths = new Set<string>(USER_PATH_OPTIONS)
  const resolveValue = (name: string, value: string): string => {
    if (paths.has(name)) return userPath(env, value)
    if (name === 'project') {
      const file = userPath(env, value)
      return isExistingFile(file) ? file : value
    }
    return value
  }
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg)
    if (match === null) {
      out.push(arg)
      continue
    }
    const [, name, inline] = match as unknown as [string, string, string | undefined]
    if (inline !== undefined) out.push(`--${name}=${resolveValue(name, inline)}`)
    else if ((paths.has(name) || name === 'project') && i + 1 < args.length) {
      out.push(arg, resolveValue(name, args[i + 1] as string))
      i++
    } else out.push(arg)
  }
  return out
}

function isExistingFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
