import { join } from 'node:path'
import type { AppConfig } from '../../config/app-config'
import { createFolder, HOME_FOLDER_ADVICE } from '../files/create-folder'
import { DatabaseUnreachableError, describeConnectionFailure } from './database-errors'
import { EmbeddedPostgresStartError, startEmbeddedPostgres } from './embedded-postgres-server'
import type { DatabasePool } from './pool'
import { createPool } from './pool'
import { runMigrations } from './run-migrations'

export interface Database {
  readonly pool: DatabasePool
  readonly url: string
  /** True for driftdesk's own embedded server. */
  readonly embedded: boolean
  /** Closes the pool, then releases the embedded server (stopped unless another process still uses it). */
  close(): Promise<void>
}

export interface OpenDatabaseOptions {
  readonly applicationName?: string
  readonly maxConnections?: number
  readonly onLog?: (line: string) => void
  readonly onIdleError?: (error: Error) => void
}

/**
 * Connects to the configured PostgreSQL (the embedded one unless `config.databaseUrl` is set), checks
 * that it answers, and brings its schema up to date.
 * @throws {DatabaseUnreachableError} with one sentence saying which server and what to do.
 */
export async function openDatabase(
  config: AppConfig,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const embedded = config.databaseUrl === null
  let url = config.databaseUrl ?? ''
  let stopServer = async (): Promise<void> => undefined
  if (embedded) {
    // A read-only or unwritable home is said as such, not as a failed start with "free disk space".
    await createFolder(config.homeDir, "driftdesk's home folder", HOME_FOLDER_ADVICE)
    try {
      const server = await startEmbeddedPostgres({
        dataDir: config.embeddedPgDir,
        secretsDir: join(config.homeDir, 'secrets'),
        ...(options.onLog === undefined ? {} : { onLog: options.onLog }),
      })
      url = server.url
      stopServer = server.stop
    } catch (error) {
      // The launcher's message names the folder, quotes the server's last log lines and says what to
      // do; it never advises deleting the data folder (that would delete every stored metric).
      const reason = error instanceof Error ? error.message : String(error)
      const sentence =
        error instanceof EmbeddedPostgresStartError
          ? reason
          : `The embedded PostgreSQL in ${config.embeddedPgDir} could not be used (${reason}); try again (its data is kept).`
      throw new DatabaseUnreachableError(
        `${sentence} To use another PostgreSQL instead, pass --database-url.`,
        { cause: error },
      )
    }
  }
  const pool = createPool(url, {
    applicationName: options.applicationName ?? 'driftdesk',
    max: options.maxConnections ?? 4,
    ...(options.onIdleError === undefined ? {} : { onIdleError: options.onIdleError }),
  })
  try {
    await pool.query('SELECT 1')
  } catch (error) {
    await pool.end().catch(() => undefined)
    await stopServer()
    throw new DatabaseUnreachableError(describeConnectionFailure(url, error, embedded), {
      cause: error,
    })
  }
  try {
    await runMigrations(pool)
  } catch (error) {
    await pool.end().catch(() => undefined)
    await stopServer()
    throw error
  }
  return {
    pool,
    url,
    embedded,
    close: async () => {
      await pool.end().catch(() => undefined)
      await stopServer()
    },
  }
}
