import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { DataFileProgress, DataFilesStatus } from '../../../src-main/shared/domain/ui'
import { useBridge } from '../api/bridge'
import { useJobTracking } from '../composables/useJobTracking'

/** The trip files the panel needs (reference and backfill months): present, downloading, or where to find them. */
export const useDataStore = defineStore('data', () => {
  const bridge = useBridge()
  const status = shallowRef<DataFilesStatus | null>(null)
  const progress = shallowRef<Readonly<Record<string, DataFileProgress>>>({})
  const isLoading = ref(false)
  const job = useJobTracking(bridge, {
    progress: 'data:progress',
    finished: 'data:finished',
    onProgress: (items) => {
      const next = { ...progress.value }
      for (const item of items) next[item.month] = item
      progress.value = next
    },
    onDone: (value) => {
      status.value = value
    },
    onFailed: (failure) => {
      job.error.value = failure
      dropUnfinishedRows()
    },
    onCancelled: () => dropUnfinishedRows(),
    // A download that ended while browser mode's socket was down sent its one event into the void.
    onLost: async () => {
      dropUnfinishedRows()
      if (status.value !== null) await load(status.value.files.map((file) => file.month))
    },
  })
  const { jobId, error } = job

  /**
   * A download that failed or was cancelled leaves no half-row behind ("checking 0 B"): the error notice
   * says what happened, and the file table says what is there.
   */
  function dropUnfinishedRows(): void {
    progress.value = Object.fromEntries(
      Object.entries(progress.value).filter(([, item]) => item.phase === 'ready'),
    )
  }

  const isDownloading = computed(() => jobId.value !== null)
  const isComplete = computed(
    () => status.value !== null && status.value.files.every((file) => file.isPresent),
  )

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
    progress.value = {}
    await job.begin(() => bridge.invoke('data:download', { months }))
  }

  async function cancel(): Promise<void> {
    await job.cancel((id) => bridge.invoke('data:cancel', { jobId: id }))
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
