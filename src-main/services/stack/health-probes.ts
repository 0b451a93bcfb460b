import pg from 'pg'
import { AppError } from '../../shared/errors'

/**
 * How the stack decides a service is ready, seen from the host through the published port: PostgreSQL
 * must accept a login and a query, Grafana must report its database ok on /api/health, Adminer must
 * answer HTTP and sign in to PostgreSQL from inside its container (its page loading proves nothing
 * about the network between the containers). Each probe resolves when healthy and rejects with a short
 * reason otherwise; an `AppError` rejection means waiting longer cannot help (the wait stops at once).
 */
export interface HealthProbes {
  postgres(url: string): Promise<void>
  grafana(baseUrl: string): Promise<void>
  /** `token`: Adminer's access token, which the driftdesk plugin asks for before it answers. */
  adminer(baseUrl: string, token: string): Promise<void>
}

/**
 * What to do when the containers cannot find PostgreSQL by its name: podman 4 with CNI networking
 * (Debian 12, Ubuntu 22.04) resolves container names only with the dnsname plugin, a separate
 * package; a network created without it stays without name lookup, so it must be recreated.
 */
export const NAME_LOOKUP_ADVICE =
  "The stack's containers cannot find each other by name. On podman with CNI networking, install the dnsname plugin (Debian/Ubuntu: `sudo apt-get install golang-github-containernetworking-plugin-dnsname`; Fedora: `podman-plugins`), then run `driftdesk stack down` and `driftdesk stack up` to recreate the network."

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
  async adminer(baseUrl: string, token: string): Promise<void> {
    // The plugin's check (resources/adminer/driftdesk-autologin.php): it connects the way Adminer's
    // login does, without counting a failure towards Adminer's brute-force lockout. The token goes in a
    // header, which no access log records.
    const response = await fetch(`${baseUrl}/`, {
      headers: { 'X-Driftdesk-Health': token },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS + 2000),
    })
    const answer = (await response.text()).trim()
    if (response.status === 200 && answer === 'ok') return
    if (response.status === 503) {
      const reason = answer.split('\n')[0] ?? ''
      const problem = `Adminer is up but cannot sign in to PostgreSQL: ${reason}`
      if (
        /could not translate host name|Name or service not known|Temporary failure in name resolution/i.test(
          reason,
        )
      )
        throw new AppError('STACK_UNHEALTHY', `${problem}. ${NAME_LOOKUP_ADVICE}`)
      if (/password authentication failed/i.test(reason))
        throw new AppError(
          'STACK_UNHEALTHY',
          `${problem}. The password in <home>/stack/secrets.json is not the one the database volume was created with: restore that file, or delete the data with \`driftdesk stack down --volumes\`.`,
        )
      throw new Error(problem)
    }
    if (response.status === 403)
      throw new AppError(
        'STACK_UNHEALTHY',
        "Adminer's driftdesk plugin refused the access token: the container was started from another driftdesk home. Run `driftdesk stack down` and `stack up` from this one.",
      )
    if (response.status >= 500) throw new Error(`Adminer answered HTTP ${response.status}`)
    throw new Error(
      'Adminer answers, but not its driftdesk plugin (resources/adminer/driftdesk-autologin.php) yet',
    )
  },
}
