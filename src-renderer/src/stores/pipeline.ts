import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { DayMetrics } from '../../../src-main/shared/domain/metrics'
import { onBridgeReconnect, useBridge } from '../api/bridge'
import { useJobTracking } from '../composables/useJobTracking'
import type { BackfillTimeline } from './backfill-timeline'
import { applyRunEvent, backfillDates, emptyTimeline, timelineFromRun } from './backfill-timeline'

const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/

/**
 * The Backfill view's state: the form (month, days, pace), the running job, and a timeline of days that
 * fills in from `pipeline:progress` batches. When no job runs, the stored metrics of the month are shown.
 */
export const usePipelineStore = defineStore('pipeline', () => {
  const bridge = useBridge()
  const validMonth = ref('2022-02')
  /**
   * The form's month, always a real `YYYY-MM`: the month input reports '' while the user clears or
   * retypes it, and that would make every date computation throw. Such values are ignored.
   */
  const month = computed({
    get: () => validMonth.value,
    set: (value: string) => {
      if (MONTH_PATTERN.test(value)) validMonth.value = value
    },
  })
  const days = ref(27)
  const paceSeconds = ref(0)
  /** Recompute days already stored for the same inputs (and retrain), instead of reusing them. */
  const force = ref(false)
  const status = ref<'idle' | 'running' | 'done' | 'failed' | 'cancelled'>('idle')
  const timeline = shallowRef<BackfillTimeline>(
    emptyTimeline(backfillDates(month.value, days.value)),
  )
  const storedMetrics = shallowRef<readonly DayMetrics[]>([])
  const isCancelling = ref(false)

  const dates = computed(() => backfillDates(month.value, days.value))
  const isRunning = computed(() => status.value === 'running')
  /** What the chart draws: the live run's days while one runs or ran, else what the database holds. */
  const chartMetrics = computed(() =>
    timeline.value.metrics.length > 0 ? timeline.value.metrics : storedMetrics.value,
  )

  const job = useJobTracking(bridge, {
    progress: 'pipeline:progress',
    finished: 'pipeline:finished',
    onProgress: (items) => {
      let next = timeline.value
      for (const event of items) next = applyRunEvent(next, event)
      timeline.value = next
    },
    onDone: (value) => {
      isCancelling.value = false
      status.value =
        value.state === 'Completed' ? 'done' : value.state === 'Cancelled' ? 'cancelled' : 'failed'
      timeline.value = {
        ...timeline.value,
        runId: value.runId,
        finalState: value.state,
        finalMessage: value.message,
      }
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
    // The terminal event was lost while browser mode's socket was down: take the outcome from the run
    // history (a backfill is exclusive, so it is the latest run).
    onLost: () => restoreFromHistory(),
  })
  const { jobId, error } = job

  onBridgeReconnect(() => void loadStored())

  async function restoreFromHistory(): Promise<void> {
    isCancelling.value = false
    try {
      const runId = timeline.value.runId
      const run =
        runId !== null
          ? (await bridge.invoke('runs:show', { runId })).run
          : (await bridge.invoke('runs:list', { limit: 1 }))[0]
      status.value =
        run?.state === 'Completed' ? 'done' : run?.state === 'Cancelled' ? 'cancelled' : 'failed'
      if (run !== undefined) {
        timeline.value = {
          ...timeline.value,
          runId: run.id,
          finalState: run.state,
          finalMessage: run.stateMessage,
        }
      }
    } catch (caught) {
      error.value = caught
    }
  }

  async function start(referenceMonth: string): Promise<void> {
    error.value = null
    timeline.value = emptyTimeline(dates.value)
    // Running from the click on: the form locks at once and the last run's "completed" is gone, not
    // shown until main answers (a second click could start twice; a reader could take the old status).
    status.value = 'running'
    try {
      const started = await bridge.invoke('pipeline:start', {
        month: month.value,
        days: days.value,
        paceSeconds: paceSeconds.value,
        referenceMonth,
        force: force.value,
      })
      job.follow(started.jobId)
      status.value = 'running'
      if (started.runId !== null) timeline.value = { ...timeline.value, runId: started.runId }
    } catch (caught) {
      error.value = caught
      status.value = 'failed'
    }
  }

  async function resume(): Promise<void> {
    const runId = timeline.value.runId
    if (runId === null) return
    error.value = null
    const previous = timeline.value
    timeline.value = { ...previous, finalState: null, finalMessage: null }
    try {
      const started = await bridge.invoke('pipeline:resume', { runId })
      job.follow(started.jobId)
      status.value = 'running'
    } catch (caught) {
      error.value = caught
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value === null) return
    isCancelling.value = true
    try {
      await bridge.invoke('pipeline:cancel', { jobId: jobId.value })
    } catch (caught) {
      error.value = caught
      isCancelling.value = false
    }
  }

  async function loadStored(): Promise<void> {
    try {
      storedMetrics.value = await bridge.invoke('metrics:list', { month: month.value })
    } catch (caught) {
      error.value = caught
    }
  }

  /** A new month or day count starts a fresh timeline; the same dates keep the one shown. */
  function resetTimeline(): void {
    if (isRunning.value) return
    const shown = timeline.value.cells.map((cell) => cell.date).join()
    if (shown !== dates.value.join()) timeline.value = emptyTimeline(dates.value)
  }

  /**
   * After a reload (or on first opening the page): follow the backfill this panel is running, or show
   * the last backfill run from the store as it ended (its days, reused ones included, its outcome and
   * its Resume button when it was cancelled or failed), instead of "0 of N days, idle".
   */
  async function restore(): Promise<void> {
    if (isRunning.value) return
    try {
      const [{ jobId: runningJob }, runs] = await Promise.all([
        bridge.invoke('pipeline:current', {}),
        bridge.invoke('runs:list', { limit: 20 }),
      ])
      const latest = runs.find((run) => run.job === 'backfill')
      if (latest !== undefined) {
        const restored = timelineFromRun(await bridge.invoke('runs:show', { runId: latest.id }))
        if (restored !== null) {
          validMonth.value = restored.month
          days.value = restored.days
          timeline.value = restored.timeline
          status.value =
            latest.state === 'Completed'
              ? 'done'
              : latest.state === 'Cancelled'
                ? 'cancelled'
                : latest.state === 'Failed' || latest.state === 'Crashed'
                  ? 'failed'
                  : 'idle'
        }
      }
      if (runningJob !== null) {
        job.follow(runningJob)
        status.value = 'running'
        timeline.value = { ...timeline.value, finalState: null, finalMessage: null }
      }
    } catch (caught) {
      error.value = caught
    }
    await loadStored()
  }

  /** Resumes a stopped run picked on the Runs page; the Backfill page then follows it. */
  async function resumeRun(runId: string): Promise<void> {
    if (timeline.value.runId !== runId) {
      try {
        const restored = timelineFromRun(await bridge.invoke('runs:show', { runId }))
        if (restored !== null) {
          validMonth.value = restored.month
          days.value = restored.days
          timeline.value = restored.timeline
        }
      } catch (caught) {
        error.value = caught
        return
      }
    }
    timeline.value = { ...timeline.value, runId }
    await resume()
  }

  return {
    month,
    days,
    paceSeconds,
    force,
    jobId,
    status,
    error,
    timeline,
    storedMetrics,
    isCancelling,
    dates,
    isRunning,
    chartMetrics,
    start,
    resume,
    cancel,
    loadStored,
    resetTimeline,
    restore,
    resumeRun,
  }
})
