import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelView } from '../../../src-main/shared/ipc-contract'
import { useBridge } from '../api/bridge'
import { useJobTracking } from '../composables/useJobTracking'

/** The trained model of a reference month: load what is saved, train (a job), show its numbers. */
export const useModelStore = defineStore('model', () => {
  const bridge = useBridge()
  const model = ref<ModelView | null>(null)
  const loadedMonth = ref<string | null>(null)
  const isLoading = ref(false)
  const job = useJobTracking(bridge, {
    finished: 'model:finished',
    onDone: (value) => {
      model.value = value
      loadedMonth.value = value.summary.referenceMonth
    },
    // A training that ended while browser mode's socket was down sent its one event into the void.
    onLost: async () => {
      if (loadedMonth.value !== null) await load(loadedMonth.value)
    },
  })
  const { jobId, error } = job

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
    await job.begin(() => bridge.invoke('model:train', { referenceMonth, force }))
  }

  async function cancel(): Promise<void> {
    await job.cancel((id) => bridge.invoke('model:cancel', { jobId: id }))
  }

  return { model, loadedMonth, isLoading, jobId, error, load, train, cancel }
})
