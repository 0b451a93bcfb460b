import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { DatabasePool } from './pool'

/** The folder of ordered `NNNN_name.sql` files shipped beside this module. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

/** An arbitrary constant: the key of the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 720_514_001

export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/** Reads the migration files in version order. @throws {RangeError} on a badly named or duplicate file. */
export async function loadMigrations(directory = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file)
    if (match === null) {
      throw new RangeError(`Migration file '${file}' must be named NNNN_snake_case.sql.`)
    }
    const version = Number(match[1])
    if (migrations.some((m) => m.version === version)) {
      throw new RangeError(`Two migration files share version ${version} in ${directory}.`)
    }
    migrations.push({
      version,
      name: match[2] as string,
      sql: await readFile(`${directory}/${file}`, 'utf8'),
    })
  }
  return migrations
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction, while
 * holding a session advisory lock so two processes starting at once do not race: the second waits,
 * then finds the work done. Returns the versions it applied.
 */
export async function runMigrations(
  pool: DatabasePool,
  migrations?: readonly Migration[],
): Promise<number[]> {
  const all = migrations ?? (await loadMigrations())
  const client = await pool.connect()
  let broken: Error | undefined
  // See withTransaction: a checked-out client must have an 'error' listener.
  const onError = (error: Error): void => {
    broken = error
  }
  client.on('error', onError)
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    )
    const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations')
    const appliedBefore = new Set(done.rows.map((row) => Number(row.version)))
    const applied: number[] = []
    for (const migration of all) {
      if (appliedBefore.has(migration.version)) continue
      try {
        await client.query('BEGIN')
        await client.query(migration.sql)
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw new Error(
          `Database migration ${migration.version} (${migration.name}) failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        )
      }
      applied.push(migration.version)
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
    return applied
  } catch (error) {
    // A session lock dies with its connection: discard the client so the lock cannot outlive a failure.
    broken = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}
