import type { EventContract, EventName, JobFinished, JobProgress } from '../shared/ipc-contract'
import { AppError, serializeError } from '../shared/errors'
import type { EventSink } from './event-sink'

type ProgressEventName = {
  [E in EventName]: EventContract[E] extends JobProgress<unknown> ? E : never
}[EventName]
type FinishedEventName = {
  [E in EventName]: EventContract[E] extends JobFinished<unknown> ? E : never
}[EventName]
type ItemOf<E extends ProgressEventName> = EventContract[E] extends JobProgress<infer I> ? I : never
type ValueOf<E extends FinishedEventName> =
  Extract<EventContract[E], { outcome: 'done' }> extends { value: infer V } ? V : never

export interface JobContext<Item> {
  /** Aborted by `cancel(jobId)` or when the panel shuts down. */
  readonly signal: AbortSignal
  /** Queues one progress item; items are delivered in order, in batches. */
  report(item: Item): void
}

export interface JobRegistryOptions {
  /** Minimum time between two progress batches of one job (100 ms ≈ 10 events/s). */
  readonly flushIntervalMs?: number
  readonly createId?: () => string
}

interface RunningJob {
  readonly controller: AbortController
  /** Resolves once the job has sent its terminal event. */
  readonly ended: Promise<void>
}

/**
 * Runs long jobs for the panel: gives each an id at once, batches its progress so at most ~10 events per
 * second reach the renderer (nothing is dropped: a backfill's timeline needs every day), and sends exactly
 * one terminal event — `done`, `failed` or `cancelled` — after the last progress batch.
 */
export class JobRegistry {
  readonly #sink: EventSink
  readonly #flushIntervalMs: number
  readonly #createId: () => string
  readonly #running = new Map<string, RunningJob>()

  constructor(sink: EventSink, options: JobRegistryOptions = {}) {
    this.#sink = sink
    this.#flushIntervalMs = options.flushIntervalMs ?? 100
    this.#createId = options.createId ?? (() => crypto.randomUUID())
  }

  get runningJobIds(): readonly string[] {
    return [...this.#running.keys()]
  }

  start<F extends FinishedEventName, P extends ProgressEventName>(
    events: { readonly finished: F; readonly progress?: P },
    run: (context: JobContext<ItemOf<P>>) => Promise<ValueOf<F>>,
  ): string {
    const jobId = this.#createId()
    const controller = new AbortController()
    let markEnded: () => void = () => undefined
    const ended = new Promise<void>((resolve) => (markEnded = resolve))
    this.#running.set(jobId, { controller, ended })
    let pending: ItemOf<P>[] = []
    let lastFlushAt = Number.NEGATIVE_INFINITY
    let timer: ReturnType<typeof setTimeout> | undefined
    const flush = (): void => {
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      if (pending.length === 0 || events.progress === undefined) return
      const payload: JobProgress<ItemOf<P>> = { jobId, items: pending }
      pending = []
      lastFlushAt = performance.now()
      this.#sink.emit(events.progress, payload as EventContract[P])
    }
    let finished = false
    const report = (item: ItemOf<P>): void => {
      if (finished) return
      pending.push(item)
      if (timer !== undefined) return
      const wait = lastFlushAt + this.#flushIntervalMs - performance.now()
      if (wait <= 0) flush()
      else timer = setTimeout(flush, wait)
    }
    const finish = (payload: JobFinished<ValueOf<F>>): void => {
      if (finished) return
      flush()
      finished = true
      this.#running.delete(jobId)
      this.#sink.emit(events.finished, payload as EventContract[F])
      markEnded()
    }
    // Started in a later macrotask, not a microtask: the job id must reach the renderer (the invoke's
    // reply goes out when the handler's promise settles, a few microtasks later) before any event about
    // the job, or a job failing at once would end before the renderer knows its id.
    setImmediate(() => {
      // A `run` that throws synchronously becomes the job's one `failed` event, not an uncaught error.
      let running: Promise<ValueOf<F>>
      try {
        running = run({ signal: controller.signal, report })
      } catch (error) {
        running = Promise.reject(error)
      }
      running.then(
        (value) => {
          if (controller.signal.aborted) finish({ jobId, outcome: 'cancelled' })
          else finish({ jobId, outcome: 'done', value })
        },
        (error: unknown) => {
          const serialized = serializeError(error)
          if (controller.signal.aborted || serialized.code === 'CANCELLED') {
            finish({ jobId, outcome: 'cancelled' })
          } else {
            finish({ jobId, outcome: 'failed', error: serialized })
          }
        },
      )
    })
    return jobId
  }

  /** Asks a job to stop; its terminal event follows when it has stopped. */
  cancel(jobId: string): boolean {
    const job = this.#running.get(jobId)
    if (job === undefined) return false
    job.controller.abort(new AppError('CANCELLED', 'Cancelled by the user.'))
    return true
  }

  cancelAll(): void {
    for (const jobId of this.#running.keys()) this.cancel(jobId)
  }

  /**
   * Waits until every running job has ended, or `timeoutMs` has passed (a job that ignores its signal
   * must not block shutdown for ever). Resolves true when all ended in time.
   */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    const allEnded = Promise.all([...this.#running.values()].map((job) => job.ended)).then(
      () => true,
    )
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
    })
    try {
      return await Promise.race([allEnded, timedOut])
    } finally {
      clearTimeout(timer)
    }
  }
}
