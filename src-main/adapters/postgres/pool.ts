import pg from 'pg'

/** Anything that runs a parameterised query: the pool or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>
}

export interface DatabasePool extends Queryable {
  /** A dedicated client, for a transaction; release it when done. */
  connect(): Promise<pg.PoolClient>
  end(): Promise<void>
}

export interface PoolOptions {
  /** Maximum number of connections (default 4: one writer, one reader for cancel/logs, spares). */
  readonly max?: number
  /** Reported in pg_stat_activity so tests and users can find the run's connections. */
  readonly applicationName?: string
  /** Called with errors of idle clients (e.g. the server terminated the backend); never throws. */
  readonly onIdleError?: (error: Error) => void
}

/**
 * The only place that creates a pg `Pool` (lint-enforced). Timestamps without time zone come back as the
 * ISO text PostgreSQL prints (they are logical days, not instants), so no local time zone leaks in.
 */
export function createPool(connectionString: string, options: PoolOptions = {}): DatabasePool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 4,
    application_name: options.applicationName ?? 'driftdesk',
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: (oid: number, format?: string) => {
        if (oid === TIMESTAMP_WITHOUT_TIME_ZONE_OID) return (value: string) => value
        // @ts-expect-error pg's typed overloads do not accept the union of both formats; the call is valid.
        return pg.types.getTypeParser(oid, format)
      },
    },
  })
  // An idle client whose backend was terminated emits 'error' on the pool; without a listener Node
  // would crash the process. The next query on that client fails and is retried by the caller.
  pool.on('error', (error) => options.onIdleError?.(error))
  return pool
}

const TIMESTAMP_WITHOUT_TIME_ZONE_OID = 1114

/**
 * Runs `work` inside one transaction on a dedicated client: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is rethrown). A client whose connection broke is destroyed rather than reused.
 */
export async function withTransaction<T>(
  pool: DatabasePool,
  work: (client: Queryable) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  // A backend terminated while the client is checked out makes the client emit 'error'; without a
  // listener that would crash the process. The failing query rejects as well, which is what we act on.
  const onError = (error: Error): void => {
    broken = error
  }
  client.on('error', onError)
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    try {
      await client.query('ROLLBACK')
    } catch (rollbackError) {
      // The connection itself is gone; the server has already discarded the transaction.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
    }
    throw error
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}
