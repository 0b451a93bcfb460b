import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import { installBridge } from '../api/bridge'
import { usePanelStore } from '../stores/panel'
import SetupView from './SetupView.vue'

describe('SetupView', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge()
      .respond('stack:status', () => ({
        engine: {
          found: false,
          message: 'No container engine found: install Docker or Podman.',
          tried: [],
        },
        services: [],
        urls: null,
      }))
      .respond('data:status', ({ months }) => ({
        folder: '/home/u/.driftdesk/cache/tlc',
        source: 'cache',
        files: months.map((month) => ({
          month,
          fileName: `green_tripdata_${month}.parquet`,
          path: `/x/green_tripdata_${month}.parquet`,
          isPresent: month === '2022-01',
          bytes: month === '2022-01' ? 1_300_000 : null,
        })),
      }))
      .respond('data:download', () => ({ jobId: 'dl-1' }))
    installBridge(bridge)
    setActivePinia(createPinia())
    usePanelStore().config = {
      mode: 'browser',
      version: '0.1.0',
      homeDir: '/home/u/.driftdesk',
      dataDir: '/home/u/.driftdesk/cache/tlc',
      database: { kind: 'embedded', description: 'Embedded PostgreSQL in /home/u/.driftdesk/pg' },
      grafana: null,
      adminer: null,
      frameOrigins: [],
    }
  })

  it('says plainly that there is no Docker and that the embedded database keeps working', async () => {
    const wrapper = mount(SetupView)
    await flushPromises()
    expect(wrapper.find('[data-testid=no-engine]').text()).toContain('No container engine found')
    expect(wrapper.find('[data-testid=no-engine]').text()).toContain('embedded PostgreSQL')
    expect(wrapper.find('[data-testid=start-stack]').attributes('disabled')).toBeDefined()
  })

  it('lists the trip files and downloads the missing ones with progress', async () => {
    const wrapper = mount(SetupView)
    await flushPromises()
    const rows = wrapper.findAll('[data-testid=data-files] tr')
    expect(rows.map((row) => row.text())).toEqual([
      'green_tripdata_2022-01.parquet1.3 MBpresent',
      'green_tripdata_2022-02.parquetmissing',
    ])
    const download = wrapper
      .findAll('button')
      .find((button) => button.text() === 'Download missing files')
    await download?.trigger('click')
    expect(bridge.callsOf('data:download')).toEqual([{ months: ['2022-01', '2022-02'] }])
    bridge.emit('data:progress', {
      jobId: 'dl-1',
      items: [
        {
          month: '2022-02',
          fileName: 'green_tripdata_2022-02.parquet',
          phase: 'downloading',
          bytesDone: 700_000,
          bytesTotal: 1_400_000,
        },
      ],
    })
    await flushPromises()
    expect(wrapper.find('[role=progressbar]').attributes('aria-valuenow')).toBe('50')
  })
})
