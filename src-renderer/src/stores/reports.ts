import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { HtmlExport } from '../../../src-main/shared/ipc-contract'
import type { ReportDocument, ReportPresetName } from '../../../src-main/shared/domain/reports'
import { useBridge } from '../api/bridge'

/** One day's report (a preset) and its HTML export. */
export const useReportsStore = defineStore('reports', () => {
  const bridge = useBridge()
  const date = ref('2022-02-02')
  const preset = ref<ReportPresetName>('data-drift')
  const report = shallowRef<ReportDocument | null>(null)
  const isLoading = ref(false)
  const error = ref<unknown>(null)

  async function load(referenceMonth: string): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      report.value = await bridge.invoke('reports:get', {
        date: date.value,
        preset: preset.value,
        referenceMonth,
      })
    } catch (caught) {
      report.value = null
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  async function exportHtml(referenceMonth: string): Promise<HtmlExport | null> {
    error.value = null
    try {
      return await bridge.invoke('reports:export-html', {
        date: date.value,
        preset: preset.value,
        referenceMonth,
      })
    } catch (caught) {
      error.value = caught
      return null
    }
  }

  return { date, preset, report, isLoading, error, load, exportHtml }
})
