import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { RunDetails, RunRecord } from '../../../src-main/shared/domain/runs'
import { onBridgeReconnect, useBridge } from '../api/bridge'

/** The run history (Prefect's flow runs page) and the selected run's tasks and logs. */
export const useRunsStore = defineStore('runs', () => {
  const bridge = useBridge()
  const runs = shallowRef<readonly RunRecord[]>([])
  const selected = shallowRef<RunDetails | null>(null)
  const isLoading = ref(false)
  const error = ref<unknown>(null)

  // A finished backfill changes the history: refresh it if it was already shown.
  bridge.on('pipeline:finished', () => {
    if (runs.value.length > 0) void load()
  })

  onBridgeReconnect(() => {
    if (runs.value.length > 0) void load()
  })

  async function load(): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      runs.value = await bridge.invoke('runs:list', { limit: 100 })
      if (selected.value !== null) await select(selected.value.run.id)
    } catch (caught) {
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  async function select(runId: string): Promise<void> {
    error.value = null
    try {
      selected.value = await bridge.invoke('runs:show', { runId })
    } catch (caught) {
      error.value = caught
    }
  }

  return { runs, selected, isLoading, error, load, select }
})
