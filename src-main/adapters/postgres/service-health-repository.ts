import type { Queryable } from './pool'

/** One closed window of the service's traffic, as a service_health row holds it. */
export interface ServiceHealthWindow {
  readonly project: string
  /** Window start and (exclusive) end, wall-clock UTC. */
  readonly start: Date
  readonly end: Date
  /** Requests answered in the window (POST /predict, /log, /feedback; any status). */
  readonly requests: number
  /** Of those, answered with a status of 400 or more (refusals and failures). */
  readonly errors: number
  /** errors / requests; null for a window without requests. */
  readonly errorRate: number | null
  /** Latency quantiles in milliseconds (numpy's linear method); null without requests. */
  readonly latencyP50Ms: number | null
  readonly latencyP95Ms: number | null
  readonly latencyP99Ms: number | null
}

/** UTC wall-clock text for a `timestamp` column (service_health's times are UTC without a zone). */
function utcWallClock(date: Date): string {
  return date.toISOString().slice(0, 23)
}

/**
 * Stores one closed window of service health. A service restarted within a window writes a second part
 * of it under the same key: the counts are added, the window's end is the later one and each latency
 * quantile keeps the larger of the two parts (an upper bound, since quantiles of two samples do not
 * combine exactly; the row is then conservative, never optimistic).
 */
export async function saveServiceHealthWindow(
  database: Queryable,
  window: ServiceHealthWindow,
): Promise<void> {
  await database.query(
    `INSERT INTO service_health
       (project, "timestamp", window_end, requests, errors, error_rate,
        latency_p50_ms, latency_p95_ms, latency_p99_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (project, "timestamp") DO UPDATE SET
       window_end = GREATEST(service_health.window_end, EXCLUDED.window_end),
       requests = service_health.requests + EXCLUDED.requests,
       errors = service_health.errors + EXCLUDED.errors,
       error_rate = CASE WHEN service_health.requests + EXCLUDED.requests = 0 THEN NULL
         ELSE (service_health.errors + EXCLUDED.errors)::double precision
              / (service_health.requests + EXCLUDED.requests) END,
       latency_p50_ms = GREATEST(service_health.latency_p50_ms, EXCLUDED.latency_p50_ms),
       latency_p95_ms = GREATEST(service_health.latency_p95_ms, EXCLUDED.latency_p95_ms),
       latency_p99_ms = GREATEST(service_health.latency_p99_ms, EXCLUDED.latency_p99_ms)`,
    [
      window.project,
      utcWallClock(window.start),
      utcWallClock(window.end),
      window.requests,
      window.errors,
      window.errorRate,
      window.latencyP50Ms,
      window.latencyP95Ms,
      window.latencyP99Ms,
    ],
  )
}

/** A stored service_health row (tests, the panel). Times as PostgreSQL prints them, UTC. */
export interface StoredServiceHealth {
  readonly timestamp: string
  readonly windowEnd: string
  readonly requests: number
  readonly errors: number
  readonly errorRate: number | null
  readonly latencyP99Ms: number | null
}

/** The project's service_health rows, oldest first. */
export async function listServiceHealth(
  database: Queryable,
  project: string,
): Promise<StoredServiceHealth[]> {
  const result = await database.query<{
    timestamp: string
    window_end: string
    requests: number
    errors: number
    error_rate: number | null
    latency_p99_ms: number | null
  }>(
    `SELECT "timestamp"::text AS "timestamp", window_end::text AS window_end, requests, errors,
            error_rate, latency_p99_ms
       FROM service_health WHERE project = $1 ORDER BY "timestamp"`,
    [project],
  )
  return result.rows.map((row) => ({
    timestamp: row.timestamp,
    windowEnd: row.window_end,
    requests: row.requests,
    errors: row.errors,
    errorRate: row.error_rate,
    latencyP99Ms: row.latency_p99_ms,
  }))
}
