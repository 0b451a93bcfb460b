import pg from 'pg'

/**
 * How the stack decides a service is ready, seen from the host through the published port: PostgreSQL
 * must accept a login and a query, Grafana must report its database ok on /api/health, Adminer must
 * answer HTTP. Each probe resolves when healthy and rejects with a short reason otherwise.
 */
export interface HealthProbes {
  postgres(url: string): Promise<void>
  grafana(baseUrl: string): Promise<void>
  adminer(baseUrl: string): Promise<void>
}

const PROBE_TIMEOUT_MS = 3000

export const httpAndSqlHealthProbes: HealthProbes = {
  async postgres(url: string): Promise<void> {
    // A single Client, not a Pool: one short-lived connection per probe.
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    })
    // A backend terminated mid-probe emits 'error' on the client; the failed query reports it.
    client.on('error', () => undefined)
    try {
      await client.connect()
      await client.query('SELECT 1')
    } finally {
      await client.end().catch(() => undefined)
    }
  },
  async grafana(baseUrl: string): Promise<void> {
    const response = await fetch(`${baseUrl}/api/health`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
    if (!response.ok) throw new Error(`Grafana answered HTTP ${response.status}`)
    const body = (await response.json()) as { database?: string }
    if (body.database !== 'ok') throw new Error(`Grafana's database is '${String(body.database)}'`)
  },
  async adminer(baseUrl: string): Promise<void> {
    const response = await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    await response.arrayBuffer()
    if (response.status >= 500) throw new Error(`Adminer answered HTTP ${response.status}`)
  },
}
