import { Agent, request } from 'node:http'

export interface PacedLoadOptions {
  /** `http://127.0.0.1:PORT/path` */
  readonly url: string
  readonly body: string
  /** Requests started per second, evenly spaced. */
  readonly ratePerSecond: number
  readonly durationSeconds: number
  /** Keep-alive sockets the agent may open (requests beyond them queue in the agent). */
  readonly maxSockets?: number
}

export interface PacedLoadResult {
  readonly sent: number
  readonly ok: number
  readonly failed: number
  /** Achieved rate: answered requests per second of the run. */
  readonly requestsPerSecond: number
  /** Exact quantiles (nearest rank) of the latencies, in milliseconds. */
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

/**
 * An open-loop load at a fixed rate, the way wrk2 measures (neither wrk2 nor another constant-rate
 * generator is packaged here): request i is due at start + i / rate whatever the earlier answers did,
 * and its latency is counted from that due time, not from when it was sent. A stalled server or a
 * late timer therefore shows in the latency instead of silently lowering the load (coordinated
 * omission). autocannon's `overallRate` is not this: each connection sends its share of the second
 * back to back at the second's start, so "1,000 requests/s" is a burst of 1,000 requests by 50
 * connections once a second (see docs/live-service.md, "Load").
 */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url)
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 })
  const body = Buffer.from(options.body)
  const total = Math.round(options.ratePerSecond * options.durationSeconds)
  const intervalMs = 1000 / options.ratePerSecond
  const latencies: number[] = []
  let failed = 0
  let sent = 0
  let finished = 0
  const start = performance.now()

  const send = (dueAt: number): void => {
    sent++
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - dueAt)
          else failed++
          finished++
        })
      },
    )
    req.on('error', () => {
      failed++
      finished++
    })
    req.end(body)
  }

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now()
      // Every request due by now goes out now; its latency still counts from its due time.
      while (sent < total && start + sent * intervalMs <= now) send(start + sent * intervalMs)
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()))
      else resolve()
    }
    tick()
  })
  while (finished < total) await new Promise((resolve) => setTimeout(resolve, 5))
  const elapsedSeconds = (performance.now() - start) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const quantile = (q: number): number =>
    latencies.length === 0
      ? Number.NaN
      : (latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] as number)
  return {
    sent,
    ok: latencies.length,
    failed,
    requestsPerSecond: latencies.length / elapsedSeconds,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    max: latencies.at(-1) ?? Number.NaN,
  }
}
