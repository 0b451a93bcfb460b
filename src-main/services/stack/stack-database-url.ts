import { STACK_DATABASE, STACK_DATABASE_USER } from '../../adapters/docker/stack-spec'
import { httpAndSqlHealthProbes } from './health-probes'
import { readStackPorts } from './stack-ports'
import { readStackSecrets } from './stack-secrets'

/**
 * The connection string of the stack's PostgreSQL, with its password, when the stack was started
 * from this app home and PostgreSQL answers; otherwise `null`. This is what fills the backfill's
 * `--database-url` once `stack up` ran. No Docker call: it reads `<home>/stack/` and connects.
 * The result contains a secret: pass it to a pool, never print it (use `redactUrl`).
 */
export async function resolveStackDatabaseUrl(
  homeDir: string,
  probe: (url: string) => Promise<void> = httpAndSqlHealthProbes.postgres,
): Promise<string | null> {
  const ports = await readStackPorts(homeDir)
  const secrets = await readStackSecrets(homeDir)
  if (ports === null || secrets === null) return null
  const url = `postgresql://${STACK_DATABASE_USER}:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${ports.postgres}/${STACK_DATABASE}`
  try {
    await probe(url)
    return url
  } catch {
    // Not running (or not yet): the caller falls back to the embedded database or says so.
    return null
  }
}
