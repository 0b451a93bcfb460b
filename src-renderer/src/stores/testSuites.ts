import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { HtmlExport } from '../../../src-main/shared/ipc-contract'
import type {
  TestSuiteDocument,
  TestSuitePresetName,
} from '../../../src-main/shared/domain/reports'
import { useBridge } from '../api/bridge'

/** One day's test suite (a preset): pass/fail per test with its condition and value. */
export const useTestSuitesStore = defineStore('testSuites', () => {
  const bridge = useBridge()
  const date = ref('2022-02-02')
  const preset = ref<TestSuitePresetName>('data-drift')
  const suite = shallowRef<TestSuiteDocument | null>(null)
  const isLoading = ref(false)
  const error = ref<unknown>(null)

  async function run(referenceMonth: string): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      suite.value = await bridge.invoke('suites:run', {
        date: date.value,
        preset: preset.value,
        referenceMonth,
      })
    } catch (caught) {
      suite.value = null
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  async function exportHtml(referenceMonth: string): Promise<HtmlExport | null> {
    try {
      return await bridge.invoke('suites:export-html', {
        date: date.value,
        preset: preset.value,
        referenceMonth,
      })
    } catch (caught) {
      error.value = caught
      return null
    }
  }

  return { date, preset, suite, isLoading, error, run, exportHtml }
})
