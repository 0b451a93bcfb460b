import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import DayDocumentControls from './DayDocumentControls.vue'

const baseProps = {
  date: '2022-02-02',
  preset: 'data-drift',
  presets: ['data-drift', 'data-quality'],
  labels: { 'data-drift': 'Data drift', 'data-quality': 'Data quality' },
  busy: false,
  canExport: false,
  actionLabel: 'Show report',
  busyLabel: 'Computing…',
  testIds: { date: 'report-date', preset: 'report-preset', action: 'load-report' },
}

describe('DayDocumentControls', () => {
  it('offers every preset by its label and runs on click', async () => {
    const wrapper = mount(DayDocumentControls, { props: baseProps })
    const options = wrapper.findAll('[data-testid="report-preset"] option')
    expect(options.map((option) => option.text())).toEqual(['Data drift', 'Data quality'])
    await wrapper.get('[data-testid="load-report"]').trigger('click')
    expect(wrapper.emitted('run')).toHaveLength(1)
  })

  it('reports the chosen day and preset back to the view', async () => {
    const wrapper = mount(DayDocumentControls, { props: baseProps })
    await wrapper.get('[data-testid="report-date"]').setValue('2022-02-14')
    await wrapper.get('[data-testid="report-preset"]').setValue('data-quality')
    expect(wrapper.emitted('update:date')?.[0]).toEqual(['2022-02-14'])
    expect(wrapper.emitted('update:preset')?.[0]).toEqual(['data-quality'])
  })

  it('shows the busy label, and exports only when there is something to export', async () => {
    const wrapper = mount(DayDocumentControls, { props: { ...baseProps, busy: true } })
    const action = wrapper.get('[data-testid="load-report"]')
    expect(action.text()).toBe('Computing…')
    expect(action.attributes('disabled')).toBeDefined()
    const exportButton = wrapper.findAll('button').find((b) => b.text() === 'Export HTML')
    expect(exportButton?.attributes('disabled')).toBeDefined()
    await wrapper.setProps({ canExport: true })
    await exportButton?.trigger('click')
    expect(wrapper.emitted('export')).toHaveLength(1)
  })
})
