import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { FilesInspection, ProjectSummary } from '../../../src-main/shared/domain/projects'
import { installBridge } from '../api/bridge'
import { useProjectsStore } from '../stores/projects'
import ProjectsView from './ProjectsView.vue'

const course: ProjectSummary = {
  name: 'nyc-taxi',
  builtIn: true,
  definition: null,
  updatedAt: null,
}
const inspection: FilesInspection = {
  columns: [
    {
      name: 'ts',
      storage: 'timestamp',
      inReference: false,
      inCurrent: true,
      proposedRole: 'datetime',
      reason: 'a timestamp',
    },
    {
      name: 'level',
      storage: 'integer',
      inReference: true,
      inCurrent: true,
      proposedRole: 'numerical',
      reason: 'integer → numerical',
    },
    {
      name: 'y',
      storage: 'float',
      inReference: true,
      inCurrent: true,
      proposedRole: 'numerical',
      reason: 'float → numerical',
    },
  ],
  referencePreview: { columns: ['level', 'y'], rows: [[1, 2.5]] },
  currentPreview: { columns: ['ts', 'level', 'y'], rows: [['2024-05-01T00:00:00', 2, null]] },
  sampledRows: { reference: 300, current: 55 },
  task: null,
  proposedWindow: { column: 'ts', every: '1d' },
}

describe('ProjectsView: the new-project flow', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    localStorage.clear()
    bridge = new FakePanelBridge()
      .respond('project:list', () => ({ projects: [course] }))
      .respond('project:inspect-files', () => ({ ok: true, inspection }))
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  async function readColumns(): Promise<ReturnType<typeof mount>> {
    const wrapper = mount(ProjectsView, { attachTo: document.body })
    await flushPromises()
    await wrapper.find('[data-testid=project-reference]').setValue('/data/reference.csv')
    await wrapper
      .find('[data-testid=project-current]')
      .setValue('/data/current.csv\n/data/more.csv')
    await wrapper.find('[data-testid=project-inspect]').trigger('click')
    await flushPromises()
    return wrapper
  }

  it('shows each column with its proposed role and the first rows', async () => {
    const wrapper = await readColumns()
    expect(bridge.callsOf('project:inspect-files')).toEqual([
      { reference: ['/data/reference.csv'], current: ['/data/current.csv', '/data/more.csv'] },
    ])
    const rows = wrapper.findAll('[data-testid=project-columns] tbody tr')
    expect(rows.map((row) => row.attributes('data-column'))).toEqual(['ts', 'level', 'y'])
    const roleOf = (name: string): string =>
      (
        wrapper.find(`tr[data-column=${name}] [data-testid=column-role]`)
          .element as HTMLSelectElement
      ).value
    expect([roleOf('ts'), roleOf('level'), roleOf('y')]).toEqual([
      'datetime',
      'numerical',
      'numerical',
    ])
    expect(wrapper.find('[data-testid=project-preview] tbody').text()).toContain(
      '2024-05-01T00:00:00',
    )
    expect(wrapper.find('[data-testid=project-preview] tbody').text()).toContain('—')
    wrapper.unmount()
  })

  it('sends the corrected mapping and shows each problem under its field or column', async () => {
    bridge.respond('project:save', () => ({
      ok: false,
      problems: [
        { field: 'name', message: 'Give the project a short name.' },
        {
          field: 'mapping.categorical_features[0]',
          column: 'level',
          message: "'level' is not in the reference data.",
        },
      ],
    }))
    const wrapper = await readColumns()
    await wrapper.find('tr[data-column=level] [data-testid=column-role]').setValue('categorical')
    await wrapper.find('tr[data-column=y] [data-testid=column-role]').setValue('target')
    await wrapper.find('[data-testid=project-name]').setValue('my shop!')
    await wrapper.find('[data-testid=project-save]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('project:save')).toEqual([
      {
        definition: {
          name: 'my shop!',
          reference: '/data/reference.csv',
          current: ['/data/current.csv', '/data/more.csv'],
          mapping: { target: 'y', numerical_features: [], categorical_features: ['level'] },
          window: { column: 'ts', every: '1d' },
        },
        replace: false,
      },
    ])
    const nameField = wrapper.find('[data-testid=project-name]').element.closest('label')
    expect(nameField?.textContent).toContain('Give the project a short name.')
    expect(wrapper.find('tr[data-column=level]').text()).toContain('is not in the reference data')
    expect(wrapper.find('tr[data-column=level]').classes()).toContain('corrected')
    expect(wrapper.find('[data-testid=project-saved]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('picks the saved project, so every view shows it', async () => {
    const saved: ProjectSummary = {
      name: 'shop',
      builtIn: false,
      definition: { name: 'shop', reference: '/data/reference.csv', current: '/data/current.csv' },
      updatedAt: '2026-12-07T14:00:00.000Z',
    }
    bridge
      .respond('project:save', () => ({ ok: true, project: saved }))
      .respond('project:windows', () => ({
        project: 'shop',
        windows: [],
        rowsWithoutTimestamp: 0,
        mapping: { target: null, prediction: null, numericalFeatures: [], categoricalFeatures: [] },
      }))
    const wrapper = await readColumns()
    await wrapper.find('[data-testid=project-name]').setValue('shop')
    await wrapper.find('[data-testid=project-save]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid=project-saved]').text()).toContain('shop')
    expect(useProjectsStore().selectedName).toBe('shop')
    expect(wrapper.find('[data-testid=project-list] tr[data-project=shop]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('says what is missing before asking main to read nothing', async () => {
    const wrapper = mount(ProjectsView, { attachTo: document.body })
    await flushPromises()
    await wrapper.find('[data-testid=project-inspect]').trigger('click')
    await flushPromises()
    expect(bridge.callsOf('project:inspect-files')).toEqual([])
    const reference = wrapper.find('[data-testid=project-reference]').element.closest('label')
    expect(reference?.textContent).toContain('Give the reference data')
    wrapper.unmount()
  })
})
