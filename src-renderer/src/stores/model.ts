import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelView } from '../../../src-main/shared/ipc-contract'
import { onBridgeReconnect, useBridge } from '../api/bridge'

/** The trained model of a reference month: load what is saved, train (a job), show its numbers. */
export const useModelStore = defineStore('model', () => {
  const bridge = useBridge()
  const model = ref<ModelView | null>(null)
  const loadedMonth = ref<string | null>(null)
  const isLoading = ref(false)
  const jobId = ref<string | null>(null)
  const error = ref<unknown>(null)

  bridge.on('model:finished', (event) => {
    if (event.jobId !== jobId.value) return
    jobId.value = null
    if (event.outcome === 'done') {
      model.value = event.value
      loadedMonth.value = event.value.summary.referenceMonth
    } else if (event.outcome === 'failed') {
      error.value = event.error
    }
  })

  // A training that ended while browser mode's socket was down sent its one event into the void.
  onBridgeReconnect(() => void resync())

  async function resync(): Promise<void> {
    if (jobId.value === null) return
    const { jobIds } = await bridge
      .invoke('jobs:running', {})
      .catch(() => ({ jobIds: [] as readonly string[] }))
    if (jobIds.includes(jobId.value)) return
    jobId.value = null
    if (loadedMonth.value !== null) await load(loadedMonth.value)
  }

  async function load(referenceMonth: string): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      model.value = await bridge.invoke('model:get', { referenceMonth })
      loadedMonth.value = referenceMonth
    } catch (caught) {
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  async function train(referenceMonth: string, force = false): Promise<void> {
    error.value = null
    try {
      const started = await bridge.invoke('model:train', { referenceMonth, force })
      jobId.value = started.jobId
    } catch (caught) {
      error.value = caught
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value !== null) await bridge.invoke('model:cancel', { jobId: jobId.value })
  }

  return { model, loadedMonth, isLoading, jobId, error, load, train, cancel }
})
