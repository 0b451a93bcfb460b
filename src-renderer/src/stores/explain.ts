import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ExplainResult } from '../../../src-main/shared/domain/explain'
import type { HtmlExport } from '../../../src-main/shared/ipc-contract'
import { useBridge } from '../api/bridge'

/**
 * One day's explanation (issue #13): why the prediction moved, outliers and segments, for the day the
 * report view shows. Rows the user opens are explained one by one by asking again with their indexes.
 */
export const useExplainStore = defineStore('explain', () => {
  const bridge = useBridge()
  const result = shallowRef<ExplainResult | null>(null)
  const loadedDate = ref<string | null>(null)
  const isLoading = ref(false)
  const error = ref<unknown>(null)

  async function load(
    date: string,
    referenceMonth: string,
    rows: readonly number[] = [],
  ): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      result.value = await bridge.invoke('explain:get', {
        date,
        referenceMonth,
        ...(rows.length === 0 ? {} : { rows: [...rows] }),
      })
      loadedDate.value = date
    } catch (caught) {
      result.value = null
      loadedDate.value = null
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  /** Explains one more row of the loaded day (keeps the rows already open). */
  async function openRow(row: number, referenceMonth: string): Promise<void> {
    if (loadedDate.value === null) return
    const open = new Set((result.value?.rows ?? []).map((r) => r.row))
    open.add(row)
    await load(loadedDate.value, referenceMonth, [...open])
  }

  async function exportHtml(date: string, referenceMonth: string): Promise<HtmlExport | null> {
    error.value = null
    try {
      return await bridge.invoke('explain:export-html', { date, referenceMonth })
    } catch (caught) {
      error.value = caught
      return null
    }
  }

  /** Forgets the explanation (the report it belonged to is no longer on screen). */
  function clear(): void {
    result.value = null
    loadedDate.value = null
    error.value = null
  }

  return { result, loadedDate, isLoading, error, load, openRow, exportHtml, clear }
})
