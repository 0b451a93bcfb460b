import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  LiveProcessName,
  LiveProgressItem,
  LiveSessionStatus,
  LiveWindows,
  ReplaySpeed,
} from '../../../src-main/shared/domain/live'
import { onBridgeReconnect, useBridge } from '../api/bridge'
import { useJobTracking } from '../composables/useJobTracking'

const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/
/** Lines kept for the view's log. */
const MAX_LINES = 300
/**
 * How often the windows are read while the view is open. They are written by other processes (the
 * service writes service_health, the collector daily_metrics) straight into PostgreSQL, so main has no
 * event to push when one closes (LISTEN/NOTIFY would need triggers on other branches' tables); a read
 * every 2 s shows a window within about 2 s of its commit and costs a few indexed queries. It runs
 * with or without a session of this panel, so a service, replay and collector started from the command
 * line are watched too. The session's own state and its processes' lines, which main owns, are pushed.
 */
export const WINDOWS_POLL_MS = 2000

const EMPTY_WINDOWS: LiveWindows = { serviceHealth: [], metrics: [], alerts: [] }

/** The Live view: a session's form, its status and lines (pushed), its windows and alerts (polled). */
export const useLiveStore = defineStore('live', () => {
  const bridge = useBridge()
  const project = ref('nyc-taxi')
  const validMonth = ref('2022-03')
  /** Always a real YYYY-MM: a cleared month input is ignored (see the pipeline store). */
  const month = computed({
    get: () => validMonth.value,
    set: (value: string) => {
      if (MONTH_PATTERN.test(value)) validMonth.value = value
    },
  })
  const speed = ref<ReplaySpeed>(3600)
  const session = shallowRef<LiveSessionStatus | null>(null)
  const lines = shallowRef<readonly { process: LiveProcessName; text: string }[]>([])
  const windows = shallowRef<LiveWindows>(EMPTY_WINDOWS)
  const windowsError = ref<unknown>(null)
  const isStopping = ref(false)
  let pollTimer: ReturnType<typeof setInterval> | null = null

  const isActive = computed(
    () =>
      session.value !== null &&
      (session.value.state === 'starting' ||
        session.value.state === 'running' ||
        session.value.state === 'stopping'),
  )

  const job = useJobTracking(bridge, {
    progress: 'live:progress',
    finished: 'live:finished',
    onProgress: (items) => applyItems(items),
    onDone: (status) => finish(status),
    onFailed: (failure) => {
      job.error.value = failure
      void refreshStatus()
    },
    onCancelled: () => void refreshStatus(),
    onLost: () => refreshStatus(),
  })
  const { error } = job

  onBridgeReconnect(() => void refreshStatus())

  function applyItems(items: readonly LiveProgressItem[]): void {
    let next = lines.value
    for (const item of items) {
      if (item.type === 'status') session.value = item.status
      else next = [...next, { process: item.process, text: item.text }]
    }
    if (next !== lines.value) lines.value = next.slice(-MAX_LINES)
  }

  function finish(status: LiveSessionStatus): void {
    session.value = status
    isStopping.value = false
    // The last windows closed while the processes stopped: read them once more.
    void refreshWindows()
  }

  async function start(): Promise<void> {
    lines.value = []
    windows.value = EMPTY_WINDOWS
    const started = await job.begin(() =>
      bridge.invoke('live:start', {
        project: project.value,
        month: month.value,
        speed: speed.value,
      }),
    )
    if (started) await refreshStatus()
  }

  async function stop(): Promise<void> {
    isStopping.value = true
    try {
      const { session: stopped } = await bridge.invoke('live:stop', {})
      if (stopped !== null) session.value = stopped
      await refreshWindows()
    } catch (caught) {
      error.value = caught
    } finally {
      isStopping.value = false
    }
  }

  /** Main's view of the session; a reloaded page follows a running one again. */
  async function refreshStatus(): Promise<void> {
    try {
      const { session: current } = await bridge.invoke('live:status', {})
      session.value = current
      if (current === null) return
      project.value = current.project
      validMonth.value = current.month
      speed.value = current.speed
      const isRunning =
        current.state === 'starting' || current.state === 'running' || current.state === 'stopping'
      if (isRunning && job.jobId.value !== current.jobId) job.follow(current.jobId)
    } catch (caught) {
      error.value = caught
    }
  }

  let isReading = false
  async function refreshWindows(): Promise<void> {
    // A slow database must not pile reads up: the next tick reads what this one would have.
    if (isReading) return
    isReading = true
    try {
      windows.value = await bridge.invoke('live:windows', {
        project: project.value,
        month: month.value,
        ...(session.value === null ? {} : { since: session.value.startedAt }),
      })
      windowsError.value = null
    } catch (caught) {
      windowsError.value = caught
    } finally {
      isReading = false
    }
  }

  /** While the view is open: the status once, the windows now and every WINDOWS_POLL_MS. */
  async function open(): Promise<void> {
    await refreshStatus()
    await refreshWindows()
    pollTimer ??= setInterval(() => void refreshWindows(), WINDOWS_POLL_MS)
  }

  function close(): void {
    if (pollTimer !== null) clearInterval(pollTimer)
    pollTimer = null
  }

  return {
    project,
    month,
    speed,
    session,
    lines,
    windows,
    windowsError,
    error,
    isActive,
    isStopping,
    start,
    stop,
    open,
    close,
    refreshWindows,
    refreshStatus,
  }
})
