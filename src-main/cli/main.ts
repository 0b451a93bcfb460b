import process from 'node:process'
import { PARENT_LIFELINE_ENV } from '../adapters/process/line-process'
import { watchParentLifeline } from '../adapters/process/parent-lifeline'
import type { CliContext, CommandModule } from './cli-context'
import { CliError, toCliError } from './cli-context'
import { usage } from './command-summaries'

/**
 * The `driftdesk` command line: `npm run driftdesk -- <command> [options]`.
 * Commands are loaded lazily so `driftdesk fetch` does not pay for PostgreSQL or the engine.
 * Each entry is one file in `./commands/`; a front door only translates arguments into service calls.
 */
const commands: Record<string, () => Promise<CommandModule>> = {
  fetch: () => import('./commands/fetch'),
  backfill: () => import('./commands/backfill'),
  metrics: () => import('./commands/metrics'),
  runs: () => import('./commands/runs'),
  train: () => import('./commands/train'),
  dummy: () => import('./commands/dummy'),
  schedule: () => import('./commands/schedule'),
  report: () => import('./commands/report'),
  'test-suite': () => import('./commands/test-suite'),
  stack: () => import('./commands/stack'),
  stattest: () => import('./commands/stattest'),
  serve: () => import('./commands/serve'),
  replay: () => import('./commands/replay'),
  project: () => import('./commands/project'),
  collect: () => import('./commands/collect'),
  estimate: () => import('./commands/estimate'),
  explain: () => import('./commands/explain'),
}

/** Signals that cancel a command, and the exit code each forces (null: the command's own, e.g. 130). */
const CANCELLING_SIGNALS = [
  ['SIGINT', null],
  ['SIGTERM', null],
  // A closed terminal: cancel like Ctrl-C, so the run is closed and the server released.
  ['SIGHUP', 129],
] as const

/**
 * A Ctrl-C reaches the command twice (the terminal signals the whole group, and `npm run` forwards it
 * again): signals within this window count as one press.
 */
const SAME_PRESS_MS = 500

export async function main(argv: readonly string[], env: CliContext['env']): Promise<number> {
  const [name, ...args] = argv
  const controller = new AbortController()
  // Set by a cause that must be the exit code whatever the command returns (SIGHUP, a closed stdout).
  let forcedCode: number | null = null
  let presses = 0
  let lastSignalAt = -Infinity
  const cancel = (code: number | null): void => {
    if (code !== null) forcedCode ??= code
    controller.abort()
  }
  // `on`, not `once`: a second signal must not kill the command while it records its cancel.
  const handlers = CANCELLING_SIGNALS.map(([signal, code]) => {
    const handler = (): void => {
      const now = Date.now()
      const samePress = now - lastSignalAt < SAME_PRESS_MS
      lastSignalAt = now
      if (samePress) return
      presses++
      if (presses === 1) cancel(code)
      else if (presses === 2) {
        process.stderr.write(
          'driftdesk: still cancelling (closing the run and releasing the database); press Ctrl-C again to exit at once.\n',
        )
      } else {
        process.stderr.write(
          'driftdesk: exiting at once; a run this command was recording stays Running until the next command marks it Crashed, and the embedded PostgreSQL may be left running.\n',
        )
        process.exit(forcedCode ?? code ?? 130)
      }
    }
    process.on(signal, handler)
    return [signal, handler] as const
  })
  // `… | head -1`: the reader went away. Cancel like a signal (exit 141, as a shell reports SIGPIPE)
  // instead of crashing with the run left Running; later writes to the closed pipe are dropped.
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE' || error.code === 'EIO') cancel(141)
    else cancel(1)
  }
  // Kept after main() returns: a write still being flushed may fail then too.
  process.stdout.on('error', onStdoutError)
  // A closed terminal makes stderr writes fail too (EIO, EPIPE): nothing is left to tell.
  process.stderr.on('error', () => undefined)
  // A child of the panel (Live view) stops like SIGHUP when the panel dies, even by SIGKILL.
  const stopLifeline = watchParentLifeline(
    env,
    process.stdin,
    () => cancel(129),
    () => process.exit(forcedCode ?? 129),
  )
  // Consumed: a process this command starts has another parent and its own stdin.
  delete process.env[PARENT_LIFELINE_ENV]
  const context: CliContext = {
    args,
    env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  }
  if (name === undefined || name === '--help' || name === 'help') {
    process.stdout.write(usage())
    return name === undefined ? 1 : 0
  }
  const load = commands[name]
  if (load === undefined) {
    process.stderr.write(`Unknown command '${name}'.\n\n${usage()}`)
    return 2
  }
  try {
    const command = await load()
    const code = await command.run(context)
    return forcedCode ?? code
  } catch (thrown) {
    // A service's AppError (e.g. a bad --database-url) is one sentence and exit 2/1, not a stack trace.
    const error = toCliError(thrown)
    if (error instanceof CliError) {
      process.stderr.write(`driftdesk ${name}: ${error.message}\n`)
      return forcedCode ?? error.exitCode
    }
    if (forcedCode !== null) {
      // Cancelled by a closed pipe or terminal: whatever failed afterwards is a consequence, not a bug.
      process.stderr.write(
        `driftdesk ${name}: stopped (${forcedCode === 141 ? 'its output was closed' : 'its terminal was closed'}).\n`,
      )
      return forcedCode
    }
    throw error
  } finally {
    stopLifeline()
    for (const [signal, handler] of handlers) process.off(signal, handler)
  }
}

let settled = false
// A promise nobody settles (a socket or child process unref'd while main() still awaits it) lets the
// event loop empty with main() pending: Node would then exit 0 and print nothing. A command that did
// not finish must never look like a success.
process.once('exit', () => {
  if (settled) return
  process.stderr.write(
    'driftdesk: internal error: the command stopped before it finished (nothing was left to wait for); please report it.\n',
  )
  process.exitCode = 70
})

main(process.argv.slice(2), process.env).then(
  (code) => {
    settled = true
    process.exitCode = code
  },
  (error: unknown) => {
    settled = true
    process.stderr.write(
      `driftdesk: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exitCode = 70
  },
)
