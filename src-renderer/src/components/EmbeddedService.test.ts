import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import EmbeddedService from './EmbeddedService.vue'

const base = { title: 'Grafana', emptyMessage: 'Start the stack on the Setup page.' }

describe('EmbeddedService', () => {
  it('frames the URL when this page may frame its origin', () => {
    const wrapper = mount(EmbeddedService, {
      props: {
        ...base,
        url: 'http://127.0.0.1:3000/d/x?kiosk=',
        frameOrigins: ['http://127.0.0.1:3000'],
      },
    })
    expect(wrapper.find('iframe').attributes('src')).toBe('http://127.0.0.1:3000/d/x?kiosk=')
    expect(wrapper.find('iframe').attributes('title')).toBe('Grafana')
    // Sandboxed: the framed service cannot navigate the panel's page (no allow-top-navigation).
    expect(wrapper.find('iframe').attributes('sandbox')?.split(' ').sort()).toEqual([
      'allow-downloads',
      'allow-forms',
      'allow-popups',
      'allow-same-origin',
      'allow-scripts',
    ])
  })

  it('asks for a reload instead of an empty frame when the stack moved to a new port', () => {
    const wrapper = mount(EmbeddedService, {
      props: { ...base, url: 'http://127.0.0.1:3001/d/x', frameOrigins: ['http://127.0.0.1:3000'] },
    })
    expect(wrapper.find('iframe').exists()).toBe(false)
    expect(wrapper.text()).toContain('Grafana moved to a new address')
    expect(wrapper.find('button').text()).toBe('Reload panel')
  })

  it('points to Setup when the service is not running', () => {
    const wrapper = mount(EmbeddedService, { props: { ...base, url: null, frameOrigins: [] } })
    expect(wrapper.text()).toContain('Grafana is not running')
    expect(wrapper.find('a').attributes('href')).toBe('#/setup')
  })
})
