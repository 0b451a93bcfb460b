import type { RunProgressEvent } from '../../shared/domain/runs'

export type RunEventListener = (event: RunProgressEvent) => void

/**
 * The one typed source of a run's progress events (run started, task states, day results, log lines,
 * finished). Throttled without loss: events are queued and delivered in order in batches, at most one
 * batch per `intervalMs` (10 per second by default), so a progress bar or an IPC bridge redraws at a
 * steady rate however fast days complete; `run-finished` flushes at once. Listeners that throw are
 * isolated from the run and from each other.
 */
export class RunEvents {
  private readonly listeners = new Set<RunEventListener>()
  private queue: RunProgressEvent[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastFlush = 0

  constructor(private readonly intervalMs = 100) {}

  /** Starts receiving events; returns the function that stops it. */
  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  emit(event: RunProgressEvent): void {
    this.queue.push(event)
    if (event.type === 'run-finished') {
      this.flush()
      return
    }
    if (this.timer !== null) return
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now())
    this.timer = setTimeout(() => this.flush(), wait)
  }

  /** Delivers everything queued now (also called when the run ends). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer)
      this.timer = null
    }
    this.lastFlush = Date.now()
    const batch = this.queue
    this.queue = []
    for (const event of batch) {
      for (const listener of this.listeners) {
        try {
          listener(event)
        } catch {
          // A broken listener (e.g. a closed window) must not stop the run or starve the others.
        }
      }
    }
  }
}
