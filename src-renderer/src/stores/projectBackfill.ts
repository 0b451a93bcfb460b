import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LogLevel } from '../../../src-main/shared/domain/runs'
import { useBridge } from '../api/bridge'
import { useJobTracking } from '../composables/useJobTracking'

/** One window as the running backfill reports it (the number of windows is known only at the end). */
export interface ProjectBackfillWindow {
  readonly date: string
  readonly rows: number
  /** Reused from the database (same inputs), not computed again. */
  readonly skipped: boolean
  /** Why the window has no metrics (empty, or its metrics failed); the others go on. */
  readonly error: string | null
}

/**
 * The Backfill view's own-project backfill (issue #11): `pipeline:start { project }` runs the project's
 * definition through the own-project backfill service; its windows arrive one by one on
 * `pipeline:progress` and the job ends with one `pipeline:finished`. The course's days stay in the
 * pipeline store; the panel runs one backfill at a time, either kind.
 */
export const useProjectBackfillStore = defineStore('projectBackfill', () => {
  const bridge = useBridge()
  /** The project the shown run belongs to. */
  const project = ref<string | null>(null)
  const force = ref(false)
  const status = ref<'idle' | 'running' | 'done' | 'failed' | 'cancelled'>('idle')
  const runId = ref<string | null>(null)
  const windows = shallowRef<readonly ProjectBackfillWindow[]>([])
  const logs = shallowRef<readonly { level: LogLevel; message: string }[]>([])
  const finalMessage = ref<string | null>(null)
  const isCancelling = ref(false)
  const isRunning = computed(() => status.value === 'running')

  const job = useJobTracking(bridge, {
    progress: 'pipeline:progress',
    finished: 'pipeline:finished',
    onProgress: (items) => {
      const added: ProjectBackfillWindow[] = []
      const lines: { level: LogLevel; message: string }[] = []
      for (const event of items) {
        if (event.type === 'run-started') runId.value = event.runId
        else if (event.type === 'day-result')
          added.push({
            date: event.metrics.date,
            rows: event.metrics.rows,
            skipped: event.skipped,
            error: event.metrics.error ?? null,
          })
        else if (event.type === 'log') lines.push({ level: event.level, message: event.message })
      }
      if (added.length > 0) windows.value = [...windows.value, ...added]
      if (lines.length > 0) logs.value = [...logs.value, ...lines]
    },
    onDone: (value) => {
      isCancelling.value = false
      runId.value = value.runId
      finalMessage.value = value.message
      status.value =
        value.state === 'Completed' ? 'done' : value.state === 'Cancelled' ? 'cancelled' : 'failed'
    },
    onFailed: (failure) => {
      isCancelling.value = false
      status.value = 'failed'
      job.error.value = failure
    },
    onCancelled: () => {
      isCancelling.value = false
      status.value = 'cancelled'
    },
    // The terminal event was lost while browser mode's socket was down: the run history has the outcome.
    onLost: async () => {
      isCancelling.value = false
      status.value = 'idle'
    },
  })
  const { error } = job

  async function start(name: string): Promise<void> {
    project.value = name
    windows.value = []
    logs.value = []
    runId.value = null
    finalMessage.value = null
    // Running from the click on, so a second click cannot start twice.
    status.value = 'running'
    const started = await job.begin(() =>
      bridge.invoke('pipeline:start', { project: name, force: force.value }),
    )
    if (!started) status.value = 'failed'
  }

  /** Resumes a stopped run of project `name` (the Runs page's Resume); the Backfill view follows it. */
  async function resume(id: string, name: string): Promise<void> {
    project.value = name
    windows.value = []
    logs.value = []
    runId.value = id
    finalMessage.value = null
    status.value = 'running'
    const started = await job.begin(() => bridge.invoke('pipeline:resume', { runId: id }))
    if (!started) status.value = 'failed'
  }

  /**
   * After a reload: follow the backfill this panel is running when it is `name`'s (its Cancel and its
   * next windows come back; the windows before the reload are in the stored list).
   */
  async function restore(name: string): Promise<void> {
    if (isRunning.value) return
    try {
      const { jobId } = await bridge.invoke('pipeline:current', {})
      if (jobId === null) return
      const [latest] = await bridge.invoke('runs:list', { limit: 1 })
      if (latest?.job !== 'backfill' || latest.parameters.project !== name) return
      project.value = name
      runId.value = latest.id
      windows.value = []
      logs.value = []
      finalMessage.value = null
      job.follow(jobId)
      status.value = 'running'
    } catch (caught) {
      error.value = caught
    }
  }

  async function cancel(): Promise<void> {
    isCancelling.value = true
    await job.cancel((jobId) => bridge.invoke('pipeline:cancel', { jobId }))
    if (error.value !== null) isCancelling.value = false
  }

  return {
    project,
    force,
    status,
    runId,
    windows,
    logs,
    finalMessage,
    isCancelling,
    isRunning,
    error,
    start,
    resume,
    restore,
    cancel,
  }
})
