import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  PullProgress,
  ServiceHealth,
  StackStatus,
} from '../../../src-main/shared/domain/stack'
import { onBridgeReconnect, useBridge } from '../api/bridge'

/** The container stack: engine found or not, one-click start with pull progress and health per service. */
export const useStackStore = defineStore('stack', () => {
  const bridge = useBridge()
  const status = shallowRef<StackStatus | null>(null)
  const pull = shallowRef<PullProgress | null>(null)
  const health = shallowRef<readonly ServiceHealth[] | null>(null)
  const messages = ref<string[]>([])
  const jobId = ref<string | null>(null)
  const isLoading = ref(false)
  const error = ref<unknown>(null)

  const isStarting = computed(() => jobId.value !== null)
  const services = computed(() => health.value ?? status.value?.services ?? [])

  bridge.on('stack:progress', (batch) => {
    if (batch.jobId !== jobId.value) return
    for (const item of batch.items) {
      if (item.type === 'pull') pull.value = item.progress
      else if (item.type === 'health') health.value = item.services
      else messages.value = [...messages.value, item.text].slice(-50)
    }
  })
  bridge.on('stack:finished', (event) => {
    if (event.jobId !== jobId.value) return
    jobId.value = null
    if (event.outcome === 'done') {
      status.value = event.value
      health.value = null
    } else if (event.outcome === 'failed') {
      error.value = event.error
    }
  })

  // Events sent while browser mode's socket was down are lost, the terminal one included: re-read the
  // status and forget a start job that has ended meanwhile.
  onBridgeReconnect(() => void resync())

  async function resync(): Promise<void> {
    if (jobId.value !== null) {
      const { jobIds } = await bridge
        .invoke('jobs:running', {})
        .catch(() => ({ jobIds: [] as readonly string[] }))
      if (!jobIds.includes(jobId.value)) {
        jobId.value = null
        health.value = null
      }
    }
    await load()
  }

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
    error.value = null
    pull.value = null
    health.value = null
    messages.value = []
    try {
      jobId.value = (await bridge.invoke('stack:start', {})).jobId
    } catch (caught) {
      error.value = caught
    }
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
    if (jobId.value !== null) await bridge.invoke('stack:cancel', { jobId: jobId.value })
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
