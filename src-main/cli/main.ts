import process from 'node:process'
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
  project: () => import('./commands/project'),
}

export async function main(argv: readonly string[], env: CliContext['env']): Promise<number> {
  const [name, ...args] = argv
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
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
    return await command.run(context)
  } catch (thrown) {
    // A service's AppError (e.g. a bad --database-url) is one sentence and exit 2/1, not a stack trace.
    const error = toCliError(thrown)
    if (error instanceof CliError) {
      process.stderr.write(`driftdesk ${name}: ${error.message}\n`)
      return error.exitCode
    }
    throw error
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
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
