import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  ColumnRole,
  FilesInspection,
  ProjectFieldProblem,
  ProjectSummary,
} from '../../../src-main/shared/domain/projects'
import { useBridge } from '../api/bridge'
import { definitionFromDraft, draftRoleProblems, splitPaths } from './project-draft-definition'
import { useProjectsStore } from './projects'

/**
 * The new-project form (issue #11): the learner names the reference and current data (typed paths,
 * or Electron's file dialog), driftdesk reads them and proposes each column's role as Evidently 0.4
 * would, the learner corrects roles and the window, and saves. Problems come back per field.
 */
export const useProjectDraftStore = defineStore('projectDraft', () => {
  const bridge = useBridge()
  const name = ref('')
  const referenceText = ref('')
  const currentText = ref('')
  const inspection = shallowRef<FilesInspection | null>(null)
  const roles = ref<Record<string, ColumnRole>>({})
  const windowColumn = ref<string | null>(null)
  const every = ref('1d')
  const replace = ref(false)
  const problems = shallowRef<readonly ProjectFieldProblem[]>([])
  const error = ref<unknown>(null)
  const isInspecting = ref(false)
  const isSaving = ref(false)
  const saved = shallowRef<ProjectSummary | null>(null)

  /** The current data's timestamp columns: the ones that can cut windows by time. */
  const timestampColumns = computed(() =>
    (inspection.value?.columns ?? [])
      .filter((c) => c.inCurrent && c.storage === 'timestamp')
      .map((c) => c.name),
  )

  async function inspect(): Promise<void> {
    problems.value = []
    error.value = null
    saved.value = null
    const reference = splitPaths(referenceText.value)
    const current = splitPaths(currentText.value)
    const missing = [
      ...(reference.length === 0
        ? [{ field: 'reference', message: 'Give the reference data: a file or folder path.' }]
        : []),
      ...(current.length === 0
        ? [{ field: 'current', message: 'Give the current data: a file or folder path.' }]
        : []),
    ]
    if (missing.length > 0) {
      problems.value = missing
      return
    }
    isInspecting.value = true
    try {
      const result = await bridge.invoke('project:inspect-files', { reference, current })
      if (!result.ok) {
        problems.value = result.problems
        inspection.value = null
        return
      }
      inspection.value = result.inspection
      roles.value = Object.fromEntries(
        result.inspection.columns.map((column) => [column.name, column.proposedRole]),
      )
      windowColumn.value = result.inspection.proposedWindow.column
      every.value = result.inspection.proposedWindow.every
    } catch (caught) {
      error.value = caught
    } finally {
      isInspecting.value = false
    }
  }

  /** Electron's file dialog for one side; its paths replace the field's. */
  async function choose(side: 'reference' | 'current'): Promise<void> {
    error.value = null
    try {
      const chosen = await bridge.invoke('project:choose-files', { side })
      if (chosen === null) return
      const text = chosen.paths.join('\n')
      if (side === 'reference') referenceText.value = text
      else currentText.value = text
    } catch (caught) {
      error.value = caught
    }
  }

  async function save(): Promise<ProjectSummary | null> {
    const read = inspection.value
    if (read === null) return null
    error.value = null
    saved.value = null
    const draft = {
      name: name.value,
      reference: splitPaths(referenceText.value),
      current: splitPaths(currentText.value),
      columns: read.columns,
      roles: roles.value,
      windowColumn: windowColumn.value,
      every: every.value,
    }
    const local = draftRoleProblems(draft)
    if (local.length > 0) {
      problems.value = local
      return null
    }
    isSaving.value = true
    try {
      const result = await bridge.invoke('project:save', {
        definition: definitionFromDraft(draft),
        replace: replace.value,
      })
      if (!result.ok) {
        problems.value = result.problems
        return null
      }
      problems.value = []
      saved.value = result.project
      useProjectsStore().added(result.project)
      return result.project
    } catch (caught) {
      error.value = caught
      return null
    } finally {
      isSaving.value = false
    }
  }

  /** Starts another project: the form empties. */
  function reset(): void {
    name.value = ''
    referenceText.value = ''
    currentText.value = ''
    inspection.value = null
    roles.value = {}
    windowColumn.value = null
    every.value = '1d'
    replace.value = false
    problems.value = []
    error.value = null
  }

  return {
    name,
    referenceText,
    currentText,
    inspection,
    roles,
    windowColumn,
    every,
    replace,
    problems,
    error,
    isInspecting,
    isSaving,
    saved,
    timestampColumns,
    inspect,
    choose,
    save,
    reset,
  }
})
