import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { DataFileProgress, DataFilesStatus } from '../../../src-main/shared/domain/ui'
import { onBridgeReconnect, useBridge } from '../api/bridge'

/** The trip files the panel needs (reference and backfill months): present, downloading, or where to find them. */
export const useDataStore = defineStore('data', () => {
  const bridge = useBridge()
  const status = shallowRef<DataFilesStatus | null>(null)
  const progress = shallowRef<Readonly<Record<string, DataFileProgress>>>({})
  const jobId = ref<string | null>(null)
  const isLoading = ref(false)
  const error = ref<unknown>(null)

  const isDownloading = computed(() => jobId.value !== null)
  const isComplete = computed(
    () => status.value !== null && status.value.files.every((file) => file.isPresent),
  )

  bridge.on('data:progress', (batch) => {
    if (batch.jobId !== jobId.value) return
    const next = { ...progress.value }
    for (const item of batch.items) next[item.month] = item
    progress.value = next
  })
  bridge.on('data:finished', (event) => {
    if (event.jobId !== jobId.value) return
    jobId.value = null
    if (event.outcome === 'done') status.value = event.value
    else if (event.outcome === 'failed') error.value = event.error
  })

  // A download that ended while browser mode's socket was down sent its one event into the void.
  onBridgeReconnect(() => void resync())

  async function resync(): Promise<void> {
    if (jobId.value === null) return
    const { jobIds } = await bridge
      .invoke('jobs:running', {})
      .catch(() => ({ jobIds: [] as readonly string[] }))
    if (jobIds.includes(jobId.value)) return
    jobId.value = null
    if (status.value !== null) await load(status.value.files.map((file) => file.month))
  }

  async function load(months: readonly string[]): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      status.value = await bridge.invoke('data:status', { months })
    } catch (caught) {
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  async function download(months: readonly string[]): Promise<void> {
    error.value = null
    progress.value = {}
    try {
      jobId.value = (await bridge.invoke('data:download', { months })).jobId
    } catch (caught) {
      error.value = caught
    }
  }

  async function cancel(): Promise<void> {
    if (jobId.value !== null) await bridge.invoke('data:cancel', { jobId: jobId.value })
  }

  /** `path` from a text field (browser mode); undefined opens Electron's folder dialog; null goes back to the cache. */
  async function chooseFolder(months: readonly string[], path?: string | null): Promise<void> {
    error.value = null
    try {
      const chosen = await bridge.invoke(
        'data:choose-folder',
        path === undefined ? { months } : { path, months },
      )
      if (chosen !== null) status.value = chosen
    } catch (caught) {
      error.value = caught
    }
  }

  return {
    status,
    progress,
    jobId,
    isLoading,
    error,
    isDownloading,
    isComplete,
    load,
    download,
    cancel,
    chooseFolder,
  }
})
