import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import { installBridge } from '../api/bridge'
import BackfillView from './BackfillView.vue'

const metrics = (date: string) => ({
  date,
  rows: 10,
  predictionDrift: 0.2,
  numDriftedColumns: 6,
  shareOfDriftedColumns: 0.857,
  datasetDrift: true,
  shareMissingValues: 0.08,
  missingByColumn: {},
  mae: null,
  rmse: null,
  columns: [],
})

describe('BackfillView', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge()
      .respond('pipeline:current', () => ({ jobId: null }))
      .respond('runs:list', () => [])
      .respond('metrics:list', () => [])
      .respond('pipeline:start', () => ({ jobId: 'job-1', runId: null }))
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('says what loads before the first day, then counts bar, percentage and text from the same days (regression: 74 % beside an 18 % bar)', async () => {
    const wrapper = mount(BackfillView, { attachTo: document.body })
    await flushPromises()
    await wrapper.find('[data-testid=backfill-days]').setValue(4)
    await wrapper.find('[data-testid=start-backfill]').trigger('click')
    await flushPromises()
    const progress = () => wrapper.find('[data-testid=backfill-progress]')
    expect(progress().text()).toContain('Starting: reading the trip files and loading the model')
    bridge.emit('pipeline:progress', {
      jobId: 'job-1',
      items: [
        {
          type: 'day-result',
          runId: 'r',
          metrics: metrics('2022-02-01'),
          skipped: true,
          done: 1,
          total: 4,
        },
        {
          type: 'day-result',
          runId: 'r',
          metrics: metrics('2022-02-02'),
          skipped: false,
          done: 3,
          total: 4,
        },
      ],
    })
    await flushPromises()
    expect(progress().text()).toContain('2 of 4 days')
    expect(progress().text()).toContain('50%')
    expect(progress().find('[role=progressbar]').attributes('aria-valuenow')).toBe('50')
    expect(wrapper.find('[data-testid=backfill-summary]').text()).toBe('1 reused, 1 computed')
    wrapper.unmount()
  })
})
