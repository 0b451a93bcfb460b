import type { ServiceHealthWindow } from '../../adapters/postgres/service-health-repository'
import { linearQuantile } from '../../core/stats/linear-quantile'

export type { ServiceHealthWindow }

export interface ServiceHealthRecorderOptions {
  readonly project: string
  /** The window length in milliseconds; windows are aligned to multiples of it since the epoch. */
  readonly windowMs: number
  /** Stores a closed window (a service_health row); a rejection keeps it for the next attempt. */
  readonly write: (window: ServiceHealthWindow) => Promise<void>
  /** Told when a write failed (the window is kept and retried). */
  readonly onWriteError?: (error: unknown, window: ServiceHealthWindow) => void
  /** Injected clock (ms since the epoch); default Date.now. */
  readonly now?: () => number
}

/** Windows kept for retry while the database is away; beyond this the oldest are dropped (and said so). */
const MAX_UNWRITTEN_WINDOWS = 10_000

/**
 * Service health per wall-clock window (seed 5.1.1's first item): every answered request is observed
 * (status and latency); when a window closes its request count, error count and latency p50/p95/p99 are
 * written as a service_health row; at shutdown the open window is written with its end set to the
 * shutdown time. Latencies are kept exactly (one float per request), so the quantiles are the
 * sample's, not a histogram's estimate: 5,000 requests/s for a minute is 2.4 MB.
 *
 * Windows without requests are written too (requests 0), so a dashboard shows a quiet service as quiet,
 * not as missing. A window whose write fails (PostgreSQL away) is kept and retried when the next closes.
 */
export class ServiceHealthRecorder {
  readonly #options: ServiceHealthRecorderOptions
  readonly #now: () => number
  #start: number
  #requests = 0
  #errors = 0
  #latencies: number[] = []
  #unwritten: ServiceHealthWindow[] = []
  #timer: NodeJS.Timeout | null = null
  #writing: Promise<void> = Promise.resolve()
  #last: ServiceHealthWindow | null = null

  constructor(options: ServiceHealthRecorderOptions) {
    if (!(options.windowMs >= 1000))
      throw new RangeError(`The health window must be at least 1 s; got ${options.windowMs} ms.`)
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#start = this.#windowStartAt(this.#now())
  }

  /** The last closed window, for /metrics. */
  get lastWindow(): ServiceHealthWindow | null {
    return this.#last
  }

  /** Starts closing windows on the clock. */
  start(): void {
    this.#schedule()
  }

  /** Records one answered request. */
  observe(statusCode: number, latencyMs: number): void {
    this.#rollIfDue()
    this.#requests++
    if (statusCode >= 400) this.#errors++
    this.#latencies.push(latencyMs)
  }

  /** Stops the clock, writes the open window (ending now) and waits for every write to settle. */
  async close(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#rollIfDue()
    const now = this.#now()
    if (now > this.#start) this.#closeWindow(new Date(now))
    await this.#flush()
  }

  #windowStartAt(ms: number): number {
    return ms - (ms % this.#options.windowMs)
  }

  #schedule(): void {
    const due = this.#start + this.#options.windowMs - this.#now()
    this.#timer = setTimeout(
      () => {
        this.#rollIfDue()
        void this.#flush()
        this.#schedule()
      },
      Math.max(due, 0) + 5,
    )
    // The health clock never keeps the process alive on its own.
    this.#timer.unref()
  }

  /** Closes every window that has ended by now (an idle stretch closes several, each with 0 requests). */
  #rollIfDue(): void {
    const now = this.#now()
    while (now >= this.#start + this.#options.windowMs) {
      this.#closeWindow(new Date(this.#start + this.#options.windowMs))
    }
  }

  #closeWindow(end: Date): void {
    const latencies = Float64Array.from(this.#latencies).sort()
    const quantile = (q: number): number | null =>
      latencies.length === 0 ? null : linearQuantile(latencies, q)
    const window: ServiceHealthWindow = {
      project: this.#options.project,
      start: new Date(this.#start),
      end,
      requests: this.#requests,
      errors: this.#errors,
      errorRate: this.#requests === 0 ? null : this.#errors / this.#requests,
      latencyP50Ms: quantile(0.5),
      latencyP95Ms: quantile(0.95),
      latencyP99Ms: quantile(0.99),
    }
    this.#last = window
    this.#unwritten.push(window)
    if (this.#unwritten.length > MAX_UNWRITTEN_WINDOWS) this.#unwritten.shift()
    this.#start = end.getTime()
    this.#requests = 0
    this.#errors = 0
    this.#latencies = []
  }

  /** Writes the unwritten windows in order; one write at a time, the first failure stops the round. */
  #flush(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      while (this.#unwritten.length > 0) {
        const window = this.#unwritten[0] as ServiceHealthWindow
        try {
          await this.#options.write(window)
        } catch (error) {
          this.#options.onWriteError?.(error, window)
          return
        }
        this.#unwritten.shift()
      }
    })
    return this.#writing
  }
}
