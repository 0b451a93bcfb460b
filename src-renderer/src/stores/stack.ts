import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  PullProgress,
  ServiceHealth,
  StackStatus,
} from '../../../src-main/shared/domain/stack'
import { onBridgeReconnect, useBridge } from '../api/bridge'
import { useJobTracking } from '../composables/useJobTracking'

/** The container stack: engine found or not, one-click start with pull progress and health per service. */
export const useStackStore = defineStore('stack', () => {
  const bridge = useBridge()
  const status = shallowRef<StackStatus | null>(null)
  const pull = shallowRef<PullProgress | null>(null)
  const health = shallowRef<readonly ServiceHealth[] | null>(null)
  const messages = ref<string[]>([])
  const isLoading = ref(false)
  const job = useJobTracking(bridge, {
    progress: 'stack:progress',
    finished: 'stack:finished',
    onProgress: (items) => {
      for (const item of items) {
        if (item.type === 'pull') pull.value = item.progress
        else if (item.type === 'health') health.value = item.services
        else messages.value = [...messages.value, item.text].slice(-50)
      }
    },
    onDone: (value) => {
      status.value = value
      health.value = null
    },
    onLost: () => {
      health.value = null
    },
  })
  const { jobId, error } = job

  const isStarting = computed(() => jobId.value !== null)
  const services = computed(() => health.value ?? status.value?.services ?? [])

  // Events sent while browser mode's socket was down are lost: re-read the status (the job tracking
  // forgets a start job that ended meanwhile).
  onBridgeReconnect(() => void load())

  async function load(): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      status.value = await bridge.invoke('stack:status', {})
    } catch (caught) {
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  async function start(): Promise<void> {
    pull.value = null
    health.value = null
    messages.value = []
    await job.begin(() => bridge.invoke('stack:start', {}))
  }

  const isStopping = ref(false)
  const isRunning = computed(() =>
    services.value.some((service) => service.state === 'healthy' || service.state === 'starting'),
  )

  async function stop(): Promise<void> {
    error.value = null
    isStopping.value = true
    try {
      status.value = await bridge.invoke('stack:stop', {})
      health.value = null
    } catch (caught) {
      error.value = caught
    } finally {
      isStopping.value = false
    }
  }

  async function cancel(): Promise<void> {
    await job.cancel((id) => bridge.invoke('stack:cancel', { jobId: id }))
  }

  return {
    status,
    pull,
    health,
    messages,
    jobId,
    isLoading,
    error,
    isStarting,
    services,
    load,
    start,
    cancel,
    isStopping,
    isRunning,
    stop,
  }
})
