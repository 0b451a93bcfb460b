import { defineStore } from 'pinia'
import type { Ref, ShallowRef } from 'vue'
import { ref, shallowRef } from 'vue'
import type { HtmlExport } from '../../../src-main/shared/ipc-contract'
import type { Bridge } from '../api/bridge'
import { useBridge } from '../api/bridge'

/** What a day-document request carries: the day, the preset and the model's reference month. */
export interface DayDocumentRequest<Preset extends string> {
  readonly date: string
  readonly preset: Preset
  readonly referenceMonth: string
}

export interface DayDocumentStoreOptions<Preset extends string, Document> {
  readonly defaultPreset: Preset
  /** Computes the document (`reports:get`, `suites:run`). */
  readonly fetch: (bridge: Bridge, request: DayDocumentRequest<Preset>) => Promise<Document>
  /** Renders it as a self-contained HTML file (`reports:export-html`, `suites:export-html`). */
  readonly exportHtml: (bridge: Bridge, request: DayDocumentRequest<Preset>) => Promise<HtmlExport>
}

export interface DayDocumentState<Preset extends string, Document> {
  date: Ref<string>
  preset: Ref<Preset>
  document: ShallowRef<Document | null>
  /** The preset the shown document was computed with (the select may already show another). */
  loadedPreset: Ref<Preset | null>
  isLoading: Ref<boolean>
  error: Ref<unknown>
  load(referenceMonth: string): Promise<void>
  exportHtml(referenceMonth: string): Promise<HtmlExport | null>
}

/**
 * Defines a Pinia store for one day's document of a preset — a report or a test suite: the day and
 * preset the user picked, the document, its loading and error state, and its HTML export. Both
 * views share this shape, so it is written once.
 */
export function defineDayDocumentStore<Preset extends string, Document>(
  id: string,
  options: DayDocumentStoreOptions<Preset, Document>,
) {
  return defineStore(id, (): DayDocumentState<Preset, Document> => {
    const bridge = useBridge()
    const date = ref('2022-02-02')
    const preset = ref(options.defaultPreset) as Ref<Preset>
    const document = shallowRef<Document | null>(null)
    const loadedPreset = ref<Preset | null>(null) as Ref<Preset | null>
    const isLoading = ref(false)
    const error = ref<unknown>(null)

    const request = (referenceMonth: string): DayDocumentRequest<Preset> => ({
      date: date.value,
      preset: preset.value,
      referenceMonth,
    })

    async function load(referenceMonth: string): Promise<void> {
      isLoading.value = true
      error.value = null
      try {
        const asked = request(referenceMonth)
        document.value = await options.fetch(bridge, asked)
        loadedPreset.value = asked.preset
      } catch (caught) {
        document.value = null
        loadedPreset.value = null
        error.value = caught
      } finally {
        isLoading.value = false
      }
    }

    async function exportHtml(referenceMonth: string): Promise<HtmlExport | null> {
      error.value = null
      try {
        return await options.exportHtml(bridge, request(referenceMonth))
      } catch (caught) {
        error.value = caught
        return null
      }
    }

    return { date, preset, document, loadedPreset, isLoading, error, load, exportHtml }
  })
}
