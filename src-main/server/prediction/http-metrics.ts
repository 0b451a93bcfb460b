import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ServiceHealthWindow } from '../../adapters/postgres/service-health-repository'

/** The service's Prometheus metrics, in a registry of its own (no module-level singleton). */
export interface HttpMetrics {
  readonly registry: Registry
  /** Records one answered request. `route` is the route pattern ('unmatched' for a 404), never the raw URL. */
  observe(method: string, route: string, statusCode: number, seconds: number): void
  /** Counts predicted rides (a batch counts each of its rides). */
  countPredictions(rides: number): void
}

/** Latency buckets in seconds: sub-millisecond to seconds, dense around the 20 ms p99 goal. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/**
 * Requests by route and status (`driftdesk_http_requests_total`), errors (`…_errors_total`: answers
 * with status ≥ 400), a latency histogram (`driftdesk_http_request_duration_seconds`), predicted rides,
 * the log writer's backlog, and prom-client's default process metrics (CPU, memory, event-loop lag).
 * Names follow Prometheus conventions: counters end in `_total`, durations are in seconds.
 */
export function createHttpMetrics(
  pendingLogRows: () => number,
  lastHealthWindow: () => ServiceHealthWindow | null = () => null,
): HttpMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'driftdesk_' })
  const labelNames = ['method', 'route', 'status_code'] as const
  const requests = new Counter({
    name: 'driftdesk_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code.',
    labelNames,
    registers: [registry],
  })
  const errors = new Counter({
    name: 'driftdesk_http_request_errors_total',
    help: 'HTTP requests answered with a status of 400 or more, by method, route and status code.',
    labelNames,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'driftdesk_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, in seconds.',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const predictions = new Counter({
    name: 'driftdesk_predictions_total',
    help: 'Rides predicted and logged (each ride of a batch counts).',
    registers: [registry],
  })
  new Gauge({
    name: 'driftdesk_prediction_log_pending_rows',
    help: 'Predicted rides waiting for the prediction log to commit them.',
    registers: [registry],
    collect() {
      this.set(pendingLogRows())
    },
  })
  // The last closed service-health window, the numbers its service_health row holds (so a scraper and
  // the Grafana row agree); absent until a window has closed.
  new Gauge({
    name: 'driftdesk_service_health_window_requests',
    help: 'Requests answered in the last closed service-health window.',
    registers: [registry],
    collect() {
      const window = lastHealthWindow()
      if (window !== null) this.set(window.requests)
    },
  })
  new Gauge({
    name: 'driftdesk_service_health_window_errors',
    help: 'Requests answered with a status of 400 or more in the last closed service-health window.',
    registers: [registry],
    collect() {
      const window = lastHealthWindow()
      if (window !== null) this.set(window.errors)
    },
  })
  new Gauge({
    name: 'driftdesk_service_health_window_latency_seconds',
    help: 'Latency quantiles (exact, not from buckets) of the last closed service-health window.',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      const window = lastHealthWindow()
      if (window === null) return
      const quantiles = [
        ['0.5', window.latencyP50Ms],
        ['0.95', window.latencyP95Ms],
        ['0.99', window.latencyP99Ms],
      ] as const
      for (const [quantile, ms] of quantiles) if (ms !== null) this.set({ quantile }, ms / 1000)
    },
  })
  return {
    registry,
    observe(method, route, statusCode, seconds) {
      const labels = { method, route, status_code: String(statusCode) }
      requests.inc(labels)
      if (statusCode >= 400) errors.inc(labels)
      latency.observe(labels, seconds)
    },
    countPredictions(rides) {
      predictions.inc(rides)
    },
  }
}
