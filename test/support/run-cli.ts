import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** tsx's loader by URL, so a child started in another folder (`options.cwd`) finds it too. */
const TSX = import.meta.resolve('tsx')

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunningCli {
  readonly child: ChildProcess
  /** Resolves when the process exits. */
  readonly done: Promise<CliResult>
  /** What it has written to stdout so far. */
  stdout(): string
}

/**
 * Starts `driftdesk ARGS` as a real child process, exactly as `npm run driftdesk` does (node + tsx on the
 * sources), with DATABASE_URL / DRIFTDESK_HOME taken only from `env`.
 */
export function startCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { readonly cwd?: string } = {},
): RunningCli {
  const cleanEnv = { ...process.env }
  delete cleanEnv.DATABASE_URL
  delete cleanEnv.DRIFTDESK_HOME
  delete cleanEnv.APP_HOME_DIR
  // Whatever npm set for the test runner itself (`npx vitest`): a test passes its own when it needs them.
  delete cleanEnv.INIT_CWD
  delete cleanEnv.npm_package_json
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(repoRoot, 'src-main/cli/main.ts'), ...args],
    {
      cwd: options.cwd ?? repoRoot,
      env: { ...cleanEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const done = new Promise<CliResult>((resolveDone) => {
    child.once('exit', (code, signal) => {
      // Let the pipes drain before reporting.
      setImmediate(() => resolveDone({ code, signal, stdout, stderr }))
    })
  })
  return { child, done, stdout: () => stdout }
}

export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return startCli(args, env).done
}

/** The JSON objects printed one per line on stdout. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}
