import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { DayMetrics } from '../../../src-main/shared/domain/metrics'
import type { ProjectSummary, ProjectWindows } from '../../../src-main/shared/domain/projects'
import { COURSE_PROJECT_NAME } from '../../../src-main/shared/domain/projects'
import { onBridgeReconnect, useBridge } from '../api/bridge'

/** Where the picked project is remembered between starts (per panel origin). */
export const REMEMBERED_PROJECT_KEY = 'driftdesk.project'

const COURSE: ProjectSummary = {
  name: COURSE_PROJECT_NAME,
  builtIn: true,
  definition: null,
  updatedAt: null,
}

function readRemembered(): string {
  try {
    return globalThis.localStorage?.getItem(REMEMBERED_PROJECT_KEY) ?? COURSE_PROJECT_NAME
  } catch {
    // Storage can be disabled (a privacy setting): the course is the default then.
    return COURSE_PROJECT_NAME
  }
}

function remember(name: string): void {
  try {
    globalThis.localStorage?.setItem(REMEMBERED_PROJECT_KEY, name)
  } catch {
    // Not remembered across starts; the choice still holds for this page.
  }
}

/**
 * The project every view works on (issue #11): the built-in course `nyc-taxi` by default, or one of the
 * learner's stored projects, remembered across reloads. For an own project it also holds its windows
 * (the Reports and Test suites views pick one) and its stored windows (Backfill and Runs show them).
 */
export const useProjectsStore = defineStore('projects', () => {
  const bridge = useBridge()
  const projects = shallowRef<readonly ProjectSummary[]>([COURSE])
  const selectedName = ref(readRemembered())
  const isLoading = ref(false)
  const error = ref<unknown>(null)
  /** The selected own project's windows; null until asked for (or for the course). */
  const windows = shallowRef<ProjectWindows | null>(null)
  const isLoadingWindows = ref(false)
  const windowsError = ref<unknown>(null)
  /** The window the Reports and Test suites views compute. */
  const window = ref<string | null>(null)
  const storedWindows = shallowRef<readonly DayMetrics[]>([])
  const storedError = ref<unknown>(null)

  const isCourse = computed(() => selectedName.value === COURSE_PROJECT_NAME)
  const selected = computed(
    () => projects.value.find((project) => project.name === selectedName.value) ?? null,
  )
  const ownProjects = computed(() => projects.value.filter((project) => !project.builtIn))

  onBridgeReconnect(() => void load())

  async function load(): Promise<void> {
    isLoading.value = true
    error.value = null
    try {
      projects.value = (await bridge.invoke('project:list', {})).projects
      // A remembered project removed since (or from another database) falls back to the course.
      if (!projects.value.some((project) => project.name === selectedName.value))
        select(COURSE_PROJECT_NAME)
    } catch (caught) {
      error.value = caught
    } finally {
      isLoading.value = false
    }
  }

  function select(name: string): void {
    if (name === selectedName.value) return
    selectedName.value = name
    remember(name)
    windows.value = null
    windowsError.value = null
    window.value = null
    storedWindows.value = []
    storedError.value = null
  }

  /** Loads the selected own project's windows once (again with `force`, e.g. after files changed). */
  async function loadWindows(force = false): Promise<void> {
    if (isCourse.value || (windows.value !== null && !force)) return
    const name = selectedName.value
    isLoadingWindows.value = true
    windowsError.value = null
    try {
      const answer = await bridge.invoke('project:windows', { name })
      if (name !== selectedName.value) return
      windows.value = answer
      const labels = answer.windows.map((w) => w.label)
      if (window.value === null || !labels.includes(window.value))
        window.value = answer.windows.find((w) => w.rows > 0)?.label ?? labels[0] ?? null
    } catch (caught) {
      if (name === selectedName.value) windowsError.value = caught
    } finally {
      isLoadingWindows.value = false
    }
  }

  /** The selected own project's windows stored by a backfill. */
  async function loadStoredWindows(): Promise<void> {
    if (isCourse.value) return
    const name = selectedName.value
    storedError.value = null
    try {
      const answer = await bridge.invoke('metrics:list', { project: name })
      if (name === selectedName.value) storedWindows.value = answer
    } catch (caught) {
      if (name === selectedName.value) storedError.value = caught
    }
  }

  /** A project the new-project form just stored: listed, and picked. */
  function added(project: ProjectSummary): void {
    projects.value = [...projects.value.filter((p) => p.name !== project.name), project].sort(
      (a, b) => (a.builtIn !== b.builtIn ? (a.builtIn ? -1 : 1) : a.name.localeCompare(b.name)),
    )
    if (selectedName.value === project.name) {
      // Replaced: its windows may differ now.
      windows.value = null
      window.value = null
    }
    select(project.name)
  }

  async function remove(name: string, withMetrics: boolean): Promise<boolean> {
    error.value = null
    try {
      const { removed } = await bridge.invoke('project:remove', { name, withMetrics })
      projects.value = projects.value.filter((project) => project.name !== name)
      if (selectedName.value === name) select(COURSE_PROJECT_NAME)
      return removed
    } catch (caught) {
      error.value = caught
      return false
    }
  }

  return {
    projects,
    ownProjects,
    selectedName,
    selected,
    isCourse,
    isLoading,
    error,
    windows,
    isLoadingWindows,
    windowsError,
    window,
    storedWindows,
    storedError,
    load,
    select,
    loadWindows,
    loadStoredWindows,
    added,
    remove,
  }
})
