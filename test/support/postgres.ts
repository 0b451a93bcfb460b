import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '../../src-main/adapters/postgres/embedded-postgres-server'

export interface TestPostgres {
  /** A connection string to an empty database on a real PostgreSQL. */
  readonly url: string
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>
}

/**
 * A real PostgreSQL for a test file: an embedded server in a fresh temporary folder on a free port,
 * started through the same launcher the app uses.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  // Under /tmp (mode 1777, walkable by the postgres user when tests run as root).
  const folder = await mkdtemp(join(tmpdir(), 'driftdesk-test-pg-'))
  const server = await startEmbeddedPostgres({
    dataDir: join(folder, 'pg'),
    secretsDir: join(folder, 'secrets'),
  })
  return {
    url: server.url,
    stop: async () => {
      await server.stop({ force: true })
      await rm(folder, { recursive: true, force: true })
    },
  }
}
