import type { Ref } from 'vue'
import { computed, ref } from 'vue'
import type { SerializedError } from '../../../src-main/shared/errors'
import type { EventContract, JobFinished, JobProgress } from '../../../src-main/shared/ipc-contract'
import type { Bridge } from '../api/bridge'
import { onBridgeReconnect } from '../api/bridge'

/** The `…:finished` events, and the value each one's `done` outcome carries. */
type FinishedEvent = {
  [E in keyof EventContract]: EventContract[E] extends JobFinished<unknown> ? E : never
}[keyof EventContract]
type ValueOf<E extends FinishedEvent> = EventContract[E] extends JobFinished<infer V> ? V : never

/** The `…:progress` events, and their item type. */
type ProgressEvent = {
  [E in keyof EventContract]: EventContract[E] extends JobProgress<unknown> ? E : never
}[keyof EventContract]
type ItemOf<E extends ProgressEvent> = EventContract[E] extends JobProgress<infer I> ? I : never

export interface JobTrackingOptions<F extends FinishedEvent, P extends ProgressEvent> {
  readonly finished: F
  readonly progress?: P
  /** A batch of this job's progress items, in order. */
  readonly onProgress?: (items: readonly ItemOf<P>[]) => void
  readonly onDone?: (value: ValueOf<F>) => void
  /** Default: the error goes to the store's `error`. */
  readonly onFailed?: (error: SerializedError) => void
  readonly onCancelled?: () => void
  /**
   * The job ended while browser mode's socket was down, so its one terminal event was lost: re-read
   * what it changed (the status, the model, the run history).
   */
  readonly onLost?: () => Promise<void> | void
}

export interface JobTracking {
  /** The job being followed, or null. */
  readonly jobId: Ref<string | null>
  readonly isRunning: Ref<boolean>
  /** The last failure (a job's `failed` event or a thrown start/cancel). */
  readonly error: Ref<unknown>
  /** Calls `start` (an invoke that returns a jobId) and follows that job; a throw lands in `error`. */
  begin(start: () => Promise<{ readonly jobId: string }>): Promise<boolean>
  /** Follows a job started elsewhere (e.g. found running after a reload). */
  follow(jobId: string): void
  /** Asks main to cancel the followed job through `cancel`. */
  cancel(cancel: (jobId: string) => Promise<unknown>): Promise<void>
}

/**
 * Follows one long job of a store from start to its single terminal event, the contract every job of
 * main keeps (start → progress batches → exactly one `done`, `failed` or `cancelled`): it filters the
 * events by jobId, clears the jobId on the terminal event, and, after a reconnect, asks main which jobs
 * still run so a job whose terminal event was lost does not show "running" for ever. The stack, data,
 * model and pipeline stores all follow their jobs this way (STYLE.md §13), so it is written once.
 */
export function useJobTracking<F extends FinishedEvent, P extends ProgressEvent = never>(
  bridge: Bridge,
  options: JobTrackingOptions<F, P>,
): JobTracking {
  const jobId = ref<string | null>(null)
  const error = ref<unknown>(null)
  const isRunning = computed(() => jobId.value !== null)

  if (options.progress !== undefined) {
    bridge.on(options.progress, (batch) => {
      const { jobId: id, items } = batch as JobProgress<ItemOf<P>>
      if (id === jobId.value) options.onProgress?.(items)
    })
  }
  bridge.on(options.finished, (payload) => {
    const event = payload as JobFinished<ValueOf<F>>
    if (event.jobId !== jobId.value) return
    jobId.value = null
    if (event.outcome === 'done') options.onDone?.(event.value)
    else if (event.outcome === 'failed') {
      if (options.onFailed !== undefined) options.onFailed(event.error)
      else error.value = event.error
    } else options.onCancelled?.()
  })

  onBridgeReconnect(() => void resync())

  async function resync(): Promise<void> {
    if (jobId.value === null) return
    const { jobIds } = await bridge
      .invoke('jobs:running', {})
      .catch(() => ({ jobIds: [] as readonly string[] }))
    if (jobId.value === null || jobIds.includes(jobId.value)) return
    jobId.value = null
    await options.onLost?.()
  }

  async function begin(start: () => Promise<{ readonly jobId: string }>): Promise<boolean> {
    error.value = null
    try {
      jobId.value = (await start()).jobId
      return true
    } catch (caught) {
      error.value = caught
      return false
    }
  }

  function follow(id: string): void {
    jobId.value = id
  }

  async function cancel(request: (jobId: string) => Promise<unknown>): Promise<void> {
    if (jobId.value === null) return
    try {
      await request(jobId.value)
    } catch (caught) {
      error.value = caught
    }
  }

  return { jobId, isRunning, error, begin, follow, cancel }
}
