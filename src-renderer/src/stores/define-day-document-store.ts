import { defineStore } from 'pinia'
import type { Ref, ShallowRef } from 'vue'
import { ref, shallowRef } from 'vue'
import { COURSE_PROJECT_NAME } from '../../../src-main/shared/domain/projects'
import type { HtmlExport } from '../../../src-main/shared/ipc-contract'
import type { Bridge } from '../api/bridge'
import { useBridge } from '../api/bridge'

/** What a day-document request carries: the day, the preset and the model's reference month. */
export interface DayDocumentRequest<Preset extends string> {
  readonly date: string
  readonly preset: Preset
  readonly referenceMonth: string
}

/** The same for one window of a learner's own project (issue #11). */
export interface WindowDocumentRequest<Preset extends string> {
  readonly project: string
  readonly window: string
  readonly preset: Preset
}

/** Which project's window a document is asked for; absent for the course's day. */
export interface ProjectWindowScope {
  readonly project: string
  readonly window: string
}

export type DocumentRequest<Preset extends string> =
  DayDocumentRequest<Preset> | WindowDocumentRequest<Preset>

export interface DayDocumentStoreOptions<Preset extends string, Document> {
  readonly defaultPreset: Preset
  /** Computes the document (`reports:get`, `suites:run`). */
  readonly fetch: (bridge: Bridge, request: DocumentRequest<Preset>) => Promise<Document>
  /** Renders it as a self-contained HTML file (`reports:export-html`, `suites:export-html`). */
  readonly exportHtml: (bridge: Bridge, request: DocumentRequest<Preset>) => Promise<HtmlExport>
}

export interface DayDocumentState<Preset extends string, Document> {
  date: Ref<string>
  preset: Ref<Preset>
  document: ShallowRef<Document | null>
  /** The preset the shown document was computed with (the select may already show another). */
  loadedPreset: Ref<Preset | null>
  isLoading: Ref<boolean>
  error: Ref<unknown>
  /** The project the shown document belongs to (`nyc-taxi` for the course's days). */
  loadedProject: Ref<string | null>
  load(referenceMonth: string, scope?: ProjectWindowScope): Promise<void>
  exportHtml(referenceMonth: string, scope?: ProjectWindowScope): Promise<HtmlExport | null>
  /** Drops the shown document (another project was picked). */
  clear(): void
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
    const loadedProject = ref<string | null>(null)

    const request = (
      referenceMonth: string,
      scope: ProjectWindowScope | undefined,
    ): DocumentRequest<Preset> =>
      scope === undefined
        ? { date: date.value, preset: preset.value, referenceMonth }
        : { project: scope.project, window: scope.window, preset: preset.value }

    async function load(referenceMonth: string, scope?: ProjectWindowScope): Promise<void> {
      isLoading.value = true
      error.value = null
      try {
        const asked = request(referenceMonth, scope)
        document.value = await options.fetch(bridge, asked)
        loadedPreset.value = asked.preset
        loadedProject.value = scope?.project ?? COURSE_PROJECT_NAME
      } catch (caught) {
        document.value = null
        loadedPreset.value = null
        loadedProject.value = null
        error.value = caught
      } finally {
        isLoading.value = false
      }
    }

    async function exportHtml(
      referenceMonth: string,
      scope?: ProjectWindowScope,
    ): Promise<HtmlExport | null> {
      error.value = null
      try {
        return await options.exportHtml(bridge, request(referenceMonth, scope))
      } catch (caught) {
        error.value = caught
        return null
      }
    }

    function clear(): void {
      document.value = null
      loadedPreset.value = null
      loadedProject.value = null
      error.value = null
    }

    return {
      date,
      preset,
      document,
      loadedPreset,
      isLoading,
      error,
      loadedProject,
      load,
      exportHtml,
      clear,
    }
  })
}
