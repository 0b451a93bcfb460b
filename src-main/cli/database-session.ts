import { hostname } from 'node:os'
import {
  DatabaseUnreachableError,
  isRetryableDatabaseError,
} from '../adapters/postgres/database-errors'
import type { Database } from '../adapters/postgres/open-database'
import { openDatabase } from '../adapters/postgres/open-database'
import { PostgresRunStore } from '../adapters/postgres/postgres-run-store'
import { isProcessAlive } from '../adapters/process/is-process-alive'
import type { AppConfig } from '../config/app-config'
import { redactUrl } from '../config/app-config'
import { AppError } from '../shared/errors'
import { markCrashedRuns } from '../services/pipeline/mark-crashed-runs'
import type { CliContext } from './cli-context'
import { CliError, toCliError as toAppCliError } from './cli-context'

/** An open database for one command, with the run store over it. Close it when the command ends. */
export interface DatabaseSession {
  readonly database: Database
  readonly store: PostgresRunStore
  close(): Promise<void>
}

/**
 * Opens the database for a command of the run family (backfill, metrics, runs, schedule, dummy, train):
 * `--database-url` / `DATABASE_URL` when given, else the stack's PostgreSQL when `stack up` started it
 * from this home and it answers (so Grafana and Adminer see what the command stores), else the embedded
 * PostgreSQL. Marks runs left behind by dead processes as Crashed, and turns an unreachable database into
 * one clear sentence and exit code 1.
 */
export async function openDatabaseSession(
  context: CliContext,
  configured: AppConfig,
  applicationName: string,
  options: { readonly maxConnections?: number } = {},
): Promise<DatabaseSession> {
  const config = await withStackDatabase(context, configured)
  let database: Database
  try {
    database = await openDatabase(config, {
      applicationName,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      onIdleError: () => undefined, // a dropped idle connection is replaced on the next query
      // What the launcher did to the embedded server (initialised, recovered, left a stopped one).
      onLog: (line) => context.stderr.write(`${line}\n`),
    })
  } catch (error) {
    if (error instanceof DatabaseUnreachableError) throw new CliError(error.message, 1)
    throw error
  }
  const store = new PostgresRunStore(database.pool)
  const crashed = await markCrashedRuns(store, { hostname: hostname(), isProcessAlive })
  for (const run of crashed) {
    context.stderr.write(
      // Not "died": a process whose database stopped answering exits on its own, unable to record it.
      `Run ${run.id} (${run.job}) was left ${run.state} by a process that ended without recording its end (killed, crashed, or its database stopped answering); marked Crashed.\n`,
    )
  }
  return { database, store, close: () => database.close() }
}

/** The configuration with the stack's database URL filled in, when no URL was given and the stack runs. */
async function withStackDatabase(context: CliContext, config: AppConfig): Promise<AppConfig> {
  if (config.databaseUrl !== null) return config
  // Loaded lazily: most commands run without a stack, and this reads only two small files then.
  const { resolveStackDatabaseUrl } = await import('../services/stack/stack-database-url')
  const stackUrl = await resolveStackDatabaseUrl(config.homeDir)
  if (stackUrl === null) return config
  context.stderr.write(
    `Using the stack's PostgreSQL at ${redactUrl(stackUrl)} (started by \`stack up\`).\n`,
  )
  return Object.freeze({ ...config, databaseUrl: stackUrl })
}

export { isProcessAlive }

/**
 * `toCliError` of the CLI context, plus the database's transient failures (connection lost, server
 * shutting down, deadlock): one sentence and exit 1 instead of a stack trace.
 */
export function toCliError(error: unknown): unknown {
  // An AppError already is one sentence for the user, even when its cause is a lost connection.
  if (error instanceof AppError || error instanceof CliError) return toAppCliError(error)
  if (isRetryableDatabaseError(error)) {
    return new CliError(
      `The database did not complete the request (${error instanceof Error ? error.message : String(error)}); check that PostgreSQL is running and try the command again.`,
      1,
    )
  }
  return toAppCliError(error)
}
