import { hostname } from 'node:os'
import { DatabaseUnreachableError } from '../adapters/postgres/database-errors'
import type { Database } from '../adapters/postgres/open-database'
import { openDatabase } from '../adapters/postgres/open-database'
import { PostgresRunStore } from '../adapters/postgres/postgres-run-store'
import { isProcessAlive } from '../adapters/process/is-process-alive'
import type { AppConfig } from '../config/app-config'
import { redactUrl } from '../config/app-config'
import { markCrashedRuns } from '../services/pipeline/mark-crashed-runs'
import { AppError } from '../shared/errors'
import type { CliContext } from './cli-context'
import { CliError } from './cli-context'

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
): Promise<DatabaseSession> {
  const config = await withStackDatabase(context, configured)
  let database: Database
  try {
    database = await openDatabase(config, {
      applicationName,
      onIdleError: () => undefined, // a dropped idle connection is replaced on the next query
    })
  } catch (error) {
    if (error instanceof DatabaseUnreachableError) throw new CliError(error.message, 1)
    throw error
  }
  const store = new PostgresRunStore(database.pool)
  const crashed = await markCrashedRuns(store, { hostname: hostname(), isProcessAlive })
  for (const run of crashed) {
    context.stderr.write(
      `Run ${run.id} (${run.job}) was left ${run.state} by a process that died; marked Crashed.\n`,
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

/** Turns a service's `AppError` into the CLI's one-sentence error; anything else is rethrown as is. */
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
