import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { PanelConfig } from '../../../src-main/shared/ipc-contract'
import { installBridge } from '../api/bridge'
import EmbeddedServiceView from './EmbeddedServiceView.vue'

const config: PanelConfig = {
  mode: 'browser',
  version: '1',
  homeDir: '/h',
  dataDir: '/d',
  database: { kind: 'embedded', description: 'embedded' },
  grafana: {
    url: 'http://127.0.0.1:3000',
    dashboardUrl: 'http://127.0.0.1:3000/d/x?kiosk=',
  },
  adminer: {
    url: 'http://127.0.0.1:8080',
    loginUrl: 'http://127.0.0.1:8080/?driftdesk_token=secret',
  },
  frameOrigins: ['http://127.0.0.1:3000', 'http://127.0.0.1:8080'],
}

describe('EmbeddedServiceView', () => {
  beforeEach(() => {
    installBridge(new FakePanelBridge().respond('config:get', () => config))
    setActivePinia(createPinia())
  })

  it('frames Adminer logged in but links "open in browser" to the bare origin, never the token URL', async () => {
    const wrapper = mount(EmbeddedServiceView, { props: { service: 'adminer' } })
    await flushPromises()
    expect(wrapper.find('h1, h2').text()).toContain('Adminer')
    expect(wrapper.find('iframe').attributes('src')).toBe(config.adminer?.loginUrl)
    expect(wrapper.find('a.button').attributes('href')).toBe('http://127.0.0.1:8080')
    expect(wrapper.html()).not.toContain('href="http://127.0.0.1:8080/?driftdesk_token')
  })

  it("frames Grafana's kiosk dashboard and opens the same in the browser", async () => {
    const wrapper = mount(EmbeddedServiceView, { props: { service: 'grafana' } })
    await flushPromises()
    expect(wrapper.find('iframe').attributes('src')).toBe(config.grafana?.dashboardUrl)
    expect(wrapper.find('a.button').attributes('href')).toBe(config.grafana?.dashboardUrl)
  })

  it('says the service is not running when main gives no URL (a stopped stack)', async () => {
    installBridge(new FakePanelBridge().respond('config:get', () => ({ ...config, grafana: null })))
    setActivePinia(createPinia())
    const wrapper = mount(EmbeddedServiceView, { props: { service: 'grafana' } })
    await flushPromises()
    expect(wrapper.find('iframe').exists()).toBe(false)
    expect(wrapper.text()).toContain('Grafana is not running')
  })
})
