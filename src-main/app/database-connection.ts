import { redactUrl } from '../config/app-config'
import type { AppConfig } from '../config/app-config'
import type { Database } from '../adapters/postgres/open-database'
import { openDatabase } from '../adapters/postgres/open-database'
import { PostgresRunStore } from '../adapters/postgres/postgres-run-store'

export interface DatabaseChoice {
  readonly kind: 'embedded' | 'external'
  /** Safe to show: never a password. */
  readonly description: string
  /** The URL to connect to (with its password), or null for the embedded server. */
  readonly url: string | null
}

export interface OpenConnection {
  readonly database: Database
  readonly store: PostgresRunStore
}

/**
 * The panel's one database, opened on first use and shared by every view. Which one: the configured
 * `DATABASE_URL` / `--database-url`, else the stack's PostgreSQL when it answers (so Grafana sees the
 * backfill's rows), else the embedded PostgreSQL under the app home. `reopen` lets the panel move to the
 * stack's database after the user starts the stack.
 */
export class DatabaseConnection {
  #opening: Promise<OpenConnection> | null = null
  #choice: DatabaseChoice | null = null

  constructor(
    private readonly config: () => AppConfig,
    private readonly stackDatabaseUrl: () => Promise<string | null>,
  ) {}

  async choose(): Promise<DatabaseChoice> {
    const { databaseUrl, embeddedPgDir } = this.config()
    if (databaseUrl !== null) {
      return {
        kind: 'external',
        description: `PostgreSQL at ${redactUrl(databaseUrl)}`,
        url: databaseUrl,
      }
    }
    const stackUrl = await this.stackDatabaseUrl().catch(() => null)
    if (stackUrl !== null) {
      return {
        kind: 'external',
        description: `The stack's PostgreSQL at ${redactUrl(stackUrl)} (what Grafana and Adminer read)`,
        url: stackUrl,
      }
    }
    return {
      kind: 'embedded',
      description: `Embedded PostgreSQL in ${embeddedPgDir} (no Docker needed; start the stack to use its database instead)`,
      url: null,
    }
  }

  /** What is in use (or would be used on first access). */
  async describe(): Promise<DatabaseChoice> {
    return this.#choice ?? (await this.choose())
  }

  get(): Promise<OpenConnection> {
    if (this.#opening === null) {
      const opening = (async () => {
        const choice = await this.choose()
        const config = { ...this.config(), databaseUrl: choice.url }
        const database = await openDatabase(config, {
          applicationName: 'driftdesk panel',
          // A dropped idle connection is replaced on the next query; nothing to do here.
          onIdleError: () => undefined,
        })
        this.#choice = choice
        return { database, store: new PostgresRunStore(database.pool) }
      })()
      opening.catch(() => {
        // Let the next request try again (e.g. after the user fixed the database URL).
        if (this.#opening === opening) this.#opening = null
      })
      this.#opening = opening
    }
    return this.#opening
  }

  /** Closes the current connection; the next `get` chooses again. */
  async reopen(): Promise<void> {
    const previous = this.#opening
    this.#opening = null
    this.#choice = null
    if (previous !== null)
      await previous.then((open) => open.database.close()).catch(() => undefined)
  }

  async close(): Promise<void> {
    await this.reopen()
  }
}
