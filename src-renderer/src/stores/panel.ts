import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { PanelConfig } from '../../../src-main/shared/ipc-contract'
import { useBridge } from '../api/bridge'

/**
 * What the panel knows about its surroundings (mode, home, database, stack URLs)
 * and the settings every view shares: the reference month the model is trained on.
 */
export const usePanelStore = defineStore('panel', () => {
  const bridge = useBridge()
  const config = ref<PanelConfig | null>(null)
  const error = ref<unknown>(null)
  const isLoading = ref(false)
  const referenceMonth = ref('2022-01')
  /**
   * The frame origins of the first answer, i.e. those this page's Content-Security-Policy was built with
   * (main computes both when the page loads). A stack started later may use other ports, which this page
   * cannot frame until it is reloaded.
   */
  const pageFrameOrigins = ref<readonly string[] | null>(null)

  async function load(): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      config.value = await bridge.invoke('config:get', {})
      pageFrameOrigins.value ??= config.value.frameOrigins
    } catch (caught) {
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  return { config, error, isLoading, referenceMonth, pageFrameOrigins, load }
})
