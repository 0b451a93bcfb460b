import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { Frame } from '../../core/data/frame'
import { WorkerCrashedError } from '../../services/pipeline/backfill-compute-runner'
import type {
  ComputedWindow,
  ProjectComputeInput,
  ProjectWindowComputer,
} from '../../services/pipeline/project-window-computer'
import { AppError } from '../../shared/errors'
import type {
  ProjectWorkerLoad,
  ProjectWorkerRequest,
  ProjectWorkerResponse,
} from '../../worker/project-backfill-worker-protocol'
import { toWireFrame } from '../../worker/wire-frame'
import { startModuleWorker } from './worker-host'

const WORKER_MODULE = new URL('../../worker/project-backfill.worker.ts', import.meta.url)

/**
 * One compute thread fewer than the cores, at least one: an own-data backfill's own thread reads, decodes,
 * cuts and stores the windows, itself a core's work. On 2 cores (`npm run bench -- own-data`, 10 M Parquet
 * rows, machine at rest, medians of 3) one worker took 17.5 s and 22.4 s of CPU, two 21.0 s (17.3–28.5 s)
 * and 27.2 s: a third busy thread only waits for a core and adds its own heap and collector.
 */
export function defaultProjectWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1)
}

/** Starts one project backfill worker; replaced in a bundled build by the bundler's worker import. */
export type ProjectBackfillWorkerFactory = (index: number) => Worker

const defaultFactory: ProjectBackfillWorkerFactory = (index) =>
  startModuleWorker(WORKER_MODULE, `driftdesk-project-backfill-${index}`)

/** A worker that crashes this many times in one run is not restarted again; the run then fails clearly. */
const MAX_RESTARTS = 3

interface Queued {
  readonly key: string
  readonly frame: Frame
  resolve(window: ComputedWindow): void
  reject(error: Error): void
}

interface Slot {
  readonly index: number
  worker: Worker
  status: 'idle' | 'busy' | 'dead'
  /** The window being computed, if any (a slot computes one at a time, so windows spread evenly). */
  current: Queued | null
}

/**
 * A pool of up to `size` `node:worker_threads` computing a project backfill's windows while the main
 * thread reads, cuts and stores. The first thread starts at `load`; another starts only when a window
 * waits and every started thread is busy, so a backfill of a few windows starts one. Each thread gets the
 * reference once and then one window at a time; windows go to whichever thread is idle, answers come back
 * in any order (the service stores them in window order). A thread that dies fails its window with a
 * retryable {@link WorkerCrashedError} and is replaced (at most {@link MAX_RESTARTS} times a run).
 */
export class ProjectBackfillWorkerPool implements ProjectWindowComputer {
  private readonly slots: Slot[] = []
  private readonly queue: Queued[] = []
  private load_: ProjectWorkerLoad | null = null
  private restarts = 0
  private closed = false
  /** Set when a worker could not take the reference: every later window fails with it. */
  private fatal: Error | null = null
  private nextRequestId = 1
  /** How many threads were started, replacements included (read by tests and the benchmark). */
  threadsStarted = 0

  constructor(
    readonly size: number,
    private readonly startWorker: ProjectBackfillWorkerFactory = defaultFactory,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`The worker count must be a whole number of at least 1 (got ${size}).`)
  }

  load(input: ProjectComputeInput): void {
    if (this.load_ !== null) throw new AppError('INTERNAL', 'The worker pool is loaded already.')
    // Sent by structured clone (not transferred) so every thread, and a replacement, gets the same one.
    this.load_ = {
      reference: toWireFrame(input.reference).frame,
      mapping: input.mapping,
      ...(input.drift === undefined ? {} : { drift: input.drift }),
      extra: input.extra,
    }
    this.slots.push(this.spawn(0))
  }

  compute(key: string, frame: Frame): Promise<ComputedWindow> {
    if (this.closed) return Promise.reject(new AppError('CANCELLED', 'The worker pool is closed.'))
    if (this.fatal !== null) return Promise.reject(this.fatal)
    if (this.load_ === null)
      return Promise.reject(new AppError('INTERNAL', 'A window was sent before its reference.'))
    return new Promise<ComputedWindow>((resolve, reject) => {
      this.queue.push({ key, frame, resolve, reject })
      this.pump()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const closing = new AppError('CANCELLED', 'The run ended before this window was computed.')
    for (const queued of this.queue.splice(0)) queued.reject(closing)
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.status = 'dead'
        slot.current?.reject(closing)
        slot.current = null
        await slot.worker.terminate()
      }),
    )
  }

  private spawn(index: number): Slot {
    this.threadsStarted++
    const slot: Slot = { index, worker: this.startWorker(index), status: 'idle', current: null }
    this.attach(slot)
    return slot
  }

  /** Wires a (new) worker of `slot` and sends it the reference; messages are handled in order. */
  private attach(slot: Slot): void {
    const { worker } = slot
    worker.on('message', (response: ProjectWorkerResponse) => this.answer(slot, response))
    const fail = (reason: string): void => {
      if (slot.worker !== worker || slot.status === 'dead') return
      slot.status = 'dead'
      const crashed = slot.current
      slot.current = null
      crashed?.reject(new WorkerCrashedError(`Compute worker ${slot.index} stopped: ${reason}.`))
      this.restart(slot)
    }
    worker.on('error', (error) => fail(error.message))
    worker.on('exit', (code) => fail(`exit code ${code}`))
    if (this.load_ !== null)
      worker.postMessage({
        type: 'load',
        requestId: 0,
        input: this.load_,
      } satisfies ProjectWorkerRequest)
  }

  private answer(slot: Slot, response: ProjectWorkerResponse): void {
    if (response.type === 'loaded') return
    if (response.requestId === 0) {
      // The reference itself could not be used: no window can be computed, say why once.
      this.fatal = new AppError(
        response.type === 'error' ? response.error.code : 'INTERNAL',
        `The compute worker could not take the reference: ${response.type === 'error' ? response.error.message : response.type}`,
      )
      for (const queued of this.queue.splice(0)) queued.reject(this.fatal)
      return
    }
    const current = slot.current
    slot.current = null
    if (slot.status === 'busy') slot.status = 'idle'
    if (current !== null) {
      if (response.type === 'window')
        current.resolve({
          metrics: response.metrics,
          columnMetrics: response.columnMetrics,
          failed: response.failed,
        })
      // After a failed load the worker's own complaint (no reference) says less than the load's error.
      else current.reject(this.fatal ?? new AppError(response.error.code, response.error.message))
    }
    this.pump()
  }

  private restart(slot: Slot): void {
    if (this.closed || this.restarts >= MAX_RESTARTS) {
      if (this.slots.every((s) => s.status === 'dead')) {
        const error = new AppError(
          'INTERNAL',
          `Every compute worker stopped (${this.restarts} restarted); see the run log for why.`,
        )
        this.fatal = error
        for (const queued of this.queue.splice(0)) queued.reject(error)
      }
      return
    }
    this.restarts++
    this.threadsStarted++
    slot.worker = this.startWorker(slot.index)
    slot.status = 'idle'
    this.attach(slot)
    this.pump()
  }

  private pump(): void {
    for (;;) {
      if (this.queue.length === 0 || this.fatal !== null) return
      let slot = this.slots.find((s) => s.status === 'idle')
      if (slot === undefined && this.slots.length < this.size && !this.closed) {
        slot = this.spawn(this.slots.length)
        this.slots.push(slot)
      }
      if (slot === undefined) return
      const queued = this.queue.shift() as Queued
      slot.status = 'busy'
      slot.current = queued
      const { frame, transfer } = toWireFrame(queued.frame)
      slot.worker.postMessage(
        {
          type: 'compute',
          requestId: this.nextRequestId++,
          key: queued.key,
          frame,
        } satisfies ProjectWorkerRequest,
        transfer,
      )
    }
  }
}
