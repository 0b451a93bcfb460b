import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { ProjectSummary } from '../../../src-main/shared/domain/projects'
import { installBridge } from '../api/bridge'
import { REMEMBERED_PROJECT_KEY, useProjectsStore } from './projects'

const course: ProjectSummary = {
  name: 'nyc-taxi',
  builtIn: true,
  definition: null,
  updatedAt: null,
}
const shop: ProjectSummary = {
  name: 'shop',
  builtIn: false,
  definition: { name: 'shop', reference: '/r.csv', current: '/c.csv' },
  updatedAt: '2026-12-07T14:00:00.000Z',
}
const windows = {
  project: 'shop',
  windows: [
    {
      label: '2024-05-01',
      start: '2024-05-01T00:00:00',
      endExclusive: '2024-05-02T00:00:00',
      rows: 0,
    },
    {
      label: '2024-05-02',
      start: '2024-05-02T00:00:00',
      endExclusive: '2024-05-03T00:00:00',
      rows: 12,
    },
  ],
  rowsWithoutTimestamp: 0,
  mapping: { target: null, prediction: null, numericalFeatures: [], categoricalFeatures: [] },
}

describe('the projects store', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    localStorage.clear()
    bridge = new FakePanelBridge()
      .respond('project:list', () => ({ projects: [course, shop] }))
      .respond('project:windows', () => windows)
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('picks the built-in course until told otherwise, without asking main', () => {
    const projects = useProjectsStore()
    expect(projects.selectedName).toBe('nyc-taxi')
    expect(projects.isCourse).toBe(true)
    expect(bridge.calls).toEqual([])
  })

  it('remembers the picked project for the next start', async () => {
    useProjectsStore().select('shop')
    expect(localStorage.getItem(REMEMBERED_PROJECT_KEY)).toBe('shop')
    setActivePinia(createPinia())
    const again = useProjectsStore()
    await again.load()
    expect(again.selectedName).toBe('shop')
    expect(again.selected).toEqual(shop)
  })

  it('falls back to the course when the remembered project is gone', async () => {
    localStorage.setItem(REMEMBERED_PROJECT_KEY, 'removed-since')
    const projects = useProjectsStore()
    await projects.load()
    expect(projects.selectedName).toBe('nyc-taxi')
    expect(localStorage.getItem(REMEMBERED_PROJECT_KEY)).toBe('nyc-taxi')
  })

  it("loads an own project's windows once and picks the first one with rows", async () => {
    const projects = useProjectsStore()
    await projects.loadWindows()
    expect(bridge.callsOf('project:windows')).toEqual([]) // the course has days, not windows
    projects.select('shop')
    await projects.loadWindows()
    await projects.loadWindows()
    expect(bridge.callsOf('project:windows')).toEqual([{ name: 'shop' }])
    expect(projects.window).toBe('2024-05-02')
    projects.select('nyc-taxi')
    expect(projects.windows).toBeNull()
    expect(projects.window).toBeNull()
  })

  it('lists and picks a project the form saved, and forgets a removed one', async () => {
    bridge.respond('project:remove', () => ({ removed: true }))
    const projects = useProjectsStore()
    await projects.load()
    projects.added({ ...shop, name: 'alpha' })
    expect(projects.projects.map((p) => p.name)).toEqual(['nyc-taxi', 'alpha', 'shop'])
    expect(projects.selectedName).toBe('alpha')
    expect(await projects.remove('alpha', true)).toBe(true)
    await flushPromises()
    expect(bridge.callsOf('project:remove')).toEqual([{ name: 'alpha', withMetrics: true }])
    expect(projects.selectedName).toBe('nyc-taxi')
    expect(projects.projects.map((p) => p.name)).toEqual(['nyc-taxi', 'shop'])
  })
})
