import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type {
  BackfillComputeRunner,
  ComputedDay,
} from '../../services/pipeline/backfill-compute-runner'
import { WorkerCrashedError } from '../../services/pipeline/backfill-compute-runner'
import { AppError } from '../../shared/errors'
import type {
  BackfillLoadInput,
  BackfillWorkerRequest,
  BackfillWorkerResponse,
  LoadedBackfillInputs,
} from '../../worker/backfill-worker-protocol'
import { startModuleWorker } from './worker-host'

const WORKER_MODULE = new URL('../../worker/backfill.worker.ts', import.meta.url)

/** Starts one backfill worker; replaced in a bundled build by the bundler's worker import. */
export type BackfillWorkerFactory = (index: number) => Worker

const defaultFactory: BackfillWorkerFactory = (index) =>
  startModuleWorker(WORKER_MODULE, `driftdesk-backfill-${index}`)

/** One worker per core by default, as the issue asks; at least one. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism())
}

interface PendingRequest {
  resolve(response: BackfillWorkerResponse): void
  reject(error: Error): void
}

interface Slot {
  readonly index: number
  worker: Worker
  status: 'loading' | 'idle' | 'busy' | 'dead'
  readonly pending: Map<number, PendingRequest>
}

interface QueuedDay {
  readonly dayIndex: number
  resolve(day: ComputedDay): void
  reject(error: Error): void
}

/** A worker that crashes this many times is not restarted again; the run then fails clearly. */
const MAX_RESTARTS = 3

/**
 * A pool of up to `size` `node:worker_threads` that computes backfill days. The first thread loads the
 * inputs (training the model if needed) and starts computing at once. Further threads are started
 * only when they pay off: once two days are computed, the pool compares the work still queued
 * (days × the measured time per day) with what starting another thread cost the first one (start-up
 * plus loading); a month of the course's data (27 days × ~10 ms) never justifies a second thread's
 * ~1 s start, a month of a larger dataset does. So more threads are never slower than one.
 * Days are handed to whichever thread is idle; the caller stores results in day order. A thread that
 * dies fails its day with a retryable `WorkerCrashedError` and is replaced.
 */
export class BackfillWorkerPool implements BackfillComputeRunner {
  private readonly slots: Slot[] = []
  private readonly queue: QueuedDay[] = []
  private nextRequestId = 1
  private loadInput: BackfillLoadInput | null = null
  private restarts = 0
  private closed = false
  /** Milliseconds from starting the first thread to its inputs being loaded. */
  private startupCostMs: number | null = null
  private spawnedAt = 0
  private extraThreadsDecided = false
  private daysSeen = 0
  private loading: { key: string; promise: Promise<LoadedBackfillInputs> } | null = null
  /** How many threads were started (besides replacements); read by the benchmark. */
  threadsStarted = 0

  constructor(
    readonly size: number = defaultWorkerCount(),
    private readonly startWorker: BackfillWorkerFactory = defaultFactory,
  ) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`The worker count must be a whole number of at least 1 (got ${size}).`)
    }
  }

  /**
   * Starts the threads now, so their modules load while the caller does something else (e.g. starts
   * the database). Optional: `load` starts them if this was not called.
   */
  warmUp(): void {
    if (this.slots.length > 0) return
    this.spawnedAt = performance.now()
    this.slots.push(this.spawn(0))
  }

  /**
   * Loads the inputs in the first thread. Calling it again with the same input returns the same load,
   * so a caller may start loading early (the CLI does, while the database starts) and the service's
   * own call then just waits for it.
   */
  load(input: BackfillLoadInput): Promise<LoadedBackfillInputs> {
    const key = JSON.stringify(input)
    if (this.loading !== null && this.loading.key === key) return this.loading.promise
    this.loadInput = input
    this.warmUp()
    const promise = this.loadSlot(this.slots[0] as Slot, input).then((inputs) => {
      this.startupCostMs = performance.now() - this.spawnedAt
      return inputs
    })
    this.loading = { key, promise }
    return promise
  }

  /**
   * Called with each computed day until decided: starts the other threads if the queued work outweighs their
   * start-up. They load the model the first thread saved (never training twice).
   */
  private considerExtraThreads(dayMs: number): void {
    if (this.extraThreadsDecided || this.loadInput === null || this.startupCostMs === null) return
    // The first day is not representative (JIT warm-up, per-reference caches): judge on the second.
    if (++this.daysSeen < 2 && this.queue.length > 0) return
    this.extraThreadsDecided = true
    const remainingMs = this.queue.length * dayMs
    if (this.size === 1 || remainingMs <= this.startupCostMs) return
    const input = { ...this.loadInput, retrain: false }
    for (let i = 1; i < this.size; i++) {
      const slot = this.spawn(i)
      this.slots.push(slot)
      this.loadSlot(slot, input).catch(() => this.retire(slot))
    }
  }

  computeDay(dayIndex: number): Promise<ComputedDay> {
    if (this.closed) return Promise.reject(new AppError('CANCELLED', 'The worker pool is closed.'))
    return new Promise<ComputedDay>((resolve, reject) => {
      this.queue.push({ dayIndex, resolve, reject })
      this.pump()
    })
  }

  /** Drops the days not yet handed to a worker; days in flight still finish. */
  cancelQueued(reason: string): void {
    for (const queued of this.queue.splice(0)) queued.reject(new AppError('CANCELLED', reason))
  }

  async close(): Promise<void> {
    this.closed = true
    this.cancelQueued('The run ended before this day was computed.')
    // Requests still in flight (a load, a day) would otherwise never settle: marking the slot dead
    // makes its exit handler ignore the terminated worker, so settle them here.
    const closing = new AppError('CANCELLED', 'The worker pool was closed before the answer came.')
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.status = 'dead'
        for (const pending of slot.pending.values()) pending.reject(closing)
        slot.pending.clear()
        await slot.worker.terminate()
      }),
    )
  }

  private spawn(index: number): Slot {
    this.threadsStarted++
    const slot: Slot = {
      index,
      worker: this.startWorker(index),
      status: 'loading',
      pending: new Map(),
    }
    this.attach(slot)
    return slot
  }

  private attach(slot: Slot): void {
    const { worker } = slot
    worker.on('message', (response: BackfillWorkerResponse) => {
      const pending = slot.pending.get(response.requestId)
      if (pending === undefined) return
      slot.pending.delete(response.requestId)
      pending.resolve(response)
    })
    const fail = (reason: string): void => {
      if (slot.worker !== worker || slot.status === 'dead') return
      slot.status = 'dead'
      const crash = new WorkerCrashedError(`Compute worker ${slot.index} stopped: ${reason}.`)
      for (const pending of slot.pending.values()) pending.reject(crash)
      slot.pending.clear()
      this.restart(slot)
    }
    worker.on('error', (error) => fail(error.message))
    worker.on('exit', (code) => fail(`exit code ${code}`))
  }

  /** Replaces a crashed worker and loads it, unless the pool is closing or restarts are used up. */
  private restart(slot: Slot): void {
    if (this.closed || this.loadInput === null || this.restarts >= MAX_RESTARTS) {
      this.failQueuedIfNoWorkerLeft()
      return
    }
    this.restarts++
    slot.worker = this.startWorker(slot.index)
    slot.status = 'loading'
    this.attach(slot)
    this.loadSlot(slot, { ...this.loadInput, retrain: false }).catch(() => this.retire(slot))
  }

  private retire(slot: Slot): void {
    slot.status = 'dead'
    void slot.worker.terminate()
    this.failQueuedIfNoWorkerLeft()
  }

  private failQueuedIfNoWorkerLeft(): void {
    if (this.slots.some((slot) => slot.status !== 'dead')) return
    const error = new AppError('INTERNAL', 'Every compute worker stopped; see the run log for why.')
    for (const queued of this.queue.splice(0)) queued.reject(error)
  }

  private async loadSlot(slot: Slot, input: BackfillLoadInput): Promise<LoadedBackfillInputs> {
    slot.status = 'loading'
    const response = await this.request(slot, { type: 'load', requestId: 0, input })
    if (response.type !== 'loaded') throw toError(response)
    slot.status = 'idle'
    this.pump()
    return response.inputs
  }

  private request(slot: Slot, message: BackfillWorkerRequest): Promise<BackfillWorkerResponse> {
    const requestId = this.nextRequestId++
    return new Promise((resolve, reject) => {
      slot.pending.set(requestId, { resolve, reject })
      slot.worker.postMessage({ ...message, requestId })
    })
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.status !== 'idle') continue
      const queued = this.queue.shift()
      if (queued === undefined) return
      slot.status = 'busy'
      this.request(slot, { type: 'compute', requestId: 0, dayIndex: queued.dayIndex }).then(
        (response) => {
          if (slot.status === 'busy') slot.status = 'idle'
          if (response.type === 'day') {
            this.considerExtraThreads(response.computeMs)
            queued.resolve({ metrics: response.metrics, computeMs: response.computeMs })
          } else {
            queued.reject(toError(response))
          }
          this.pump()
        },
        (error: Error) => queued.reject(error),
      )
    }
  }
}

function toError(response: BackfillWorkerResponse): Error {
  if (response.type === 'error') {
    return new AppError(response.error.code, response.error.message)
  }
  return new AppError('INTERNAL', `The compute worker answered '${response.type}' unexpectedly.`)
}
