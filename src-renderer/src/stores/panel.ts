import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PanelConfig } from '../../../src-main/shared/ipc-contract'
import { useBridge } from '../api/bridge'

/**
 * What the panel knows about its surroundings (mode, home, database, stack URLs, what is not wired yet)
 * and the settings every view shares: the reference month the model is trained on.
 */
export const usePanelStore = defineStore('panel', () => {
  const bridge = useBridge()
  const config = ref<PanelConfig | null>(null)
  const error = ref<unknown>(null)
  const isLoading = ref(false)
  const referenceMonth = ref('2022-01')

  async function load(): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      config.value = await bridge.invoke('config:get', {})
    } catch (caught) {
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  function isAvailable(service: string): boolean {
    return !(config.value?.unavailable ?? []).includes(service)
  }

  return { config, error, isLoading, referenceMonth, load, isAvailable }
})
