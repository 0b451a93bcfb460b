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

  it('says why Start stack is disabled and shows backticks as code, URLs as links (regression)', async () => {
    bridge.respond('stack:status', () => ({
      engine: {
        found: false,
        message:
          'No engine: run `systemctl --user start podman.socket` or see https://podman.io/docs.',
        tried: [],
      },
      services: [],
      urls: null,
    }))
    const wrapper = mount(SetupView)
    await flushPromises()
    expect(wrapper.find('[data-testid=start-stack-reason]').text()).toContain(
      'Needs Docker or Podman',
    )
    const notice = wrapper.find('[data-testid=no-engine]')
    expect(notice.find('code').text()).toBe('systemctl --user start podman.socket')
    expect(notice.find('a').attributes('href')).toBe('https://podman.io/docs')
  })

  it('leaves no "checking 0 B" row after a failed download (regression)', async () => {
    const wrapper = mount(SetupView)
    await flushPromises()
    await wrapper
      .findAll('button')
      .find((button) => button.text() === 'Download missing files')
      ?.trigger('click')
    await flushPromises()
    bridge.emit('data:progress', {
      jobId: 'dl-1',
      items: [
        {
          month: '2022-02',
          fileName: 'green_tripdata_2022-02.parquet',
          phase: 'checking',
          bytesDone: 0,
          bytesTotal: null,
        },
      ],
    })
    await flushPromises()
    expect(wrapper.find('.download').text()).not.toContain('0 B')
    bridge.emit('data:finished', {
      jobId: 'dl-1',
      outcome: 'failed',
      error: {
        code: 'DOWNLOAD_FAILED',
        message: 'Could not download green_tripdata_2022-02.parquet.',
      },
    })
    await flushPromises()
    expect(wrapper.find('.download').exists()).toBe(false)
    expect(wrapper.find('[role=alert]').text()).toContain('Download missing files')
    expect(wrapper.find('[role=alert]').text()).not.toContain('Setup page')
  })

  it('wraps image names only between their parts (regression: they broke mid-word)', async () => {
    bridge.respond('stack:status', () => ({
      engine: {
        found: true,
        engine: {
          name: 'Podman Engine',
          version: '4.3.1',
          apiVersion: '1.41',
          endpoint: 'unix:///run/podman.sock',
          source: 'DOCKER_HOST',
        },
      },
      services: [
        {
          service: 'grafana',
          containerName: 'driftdesk-grafana',
          image: 'docker.io/grafana/grafana-oss:11.4.0',
          state: 'stopped',
          hostPort: null,
        },
      ],
      urls: null,
    }))
    const wrapper = mount(SetupView)
    await flushPromises()
    const cell = wrapper.find('.services td.image')
    expect(cell.text().replace(/\s/g, '')).toBe('docker.io/grafana/grafana-oss:11.4.0')
    expect(cell.findAll('wbr')).toHaveLength(4)
    expect(cell.findAll('.image-part').map((part) => part.text())).toEqual([
      'docker.io/',
      'grafana/',
      'grafana-oss:',
      '11.4.0',
    ])
    expect(wrapper.find('[data-testid=start-stack-reason]').exists()).toBe(false)
  })
})
