import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { SuiteTestEntry, TestStatus } from '../../../src-main/shared/domain/reports'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import { installBridge } from '../api/bridge'
import TestSuitesView from './TestSuitesView.vue'

function test(name: string, status: TestStatus, parameters = {}): SuiteTestEntry {
  return {
    name,
    status,
    group: 'data_drift',
    description: `The drift score for the feature **${name}** is 0.2. The test threshold is 0.1.`,
    parameters,
  }
}

describe('TestSuitesView', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge().respond('suites:run', () => ({
      tests: [
        test('Share of Drifted Columns', 'SUCCESS', { condition: { lt: 0.3 } }),
        test('Drift per Column: fare_amount', 'FAIL'),
        test('Number of Columns with Missing Values', 'SUCCESS', { condition: { lte: 2 } }),
        test('Drift per Column: prediction', 'WARNING', { score: 0.01234 }),
      ],
      summary: {
        all_passed: false,
        total_tests: 4,
        success_tests: 2,
        failed_tests: 1,
        by_status: { SUCCESS: 2, FAIL: 1, WARNING: 1 },
      },
    }))
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  async function runSuite() {
    const wrapper = mount(TestSuitesView, { attachTo: document.body })
    await wrapper.find('[data-testid=run-suite]').trigger('click')
    await flushPromises()
    return wrapper
  }

  const names = (wrapper: Awaited<ReturnType<typeof runSuite>>): string[] =>
    wrapper.findAll('[data-testid=suite-tests] li').map((li) => li.attributes('data-name') ?? '')

  it('lists failures first, then warnings, then passes in the suite order', async () => {
    const wrapper = await runSuite()
    expect(names(wrapper)).toEqual([
      'Drift per Column: fare_amount',
      'Drift per Column: prediction',
      'Share of Drifted Columns',
      'Number of Columns with Missing Values',
    ])
    wrapper.unmount()
  })

  it('filters by name and by failures only', async () => {
    const wrapper = await runSuite()
    await wrapper.find('[data-testid=suite-filter]').setValue('missing')
    expect(names(wrapper)).toEqual(['Number of Columns with Missing Values'])
    await wrapper.find('[data-testid=suite-filter]').setValue('')
    await wrapper.find('[data-testid=suite-failures-only]').setValue(true)
    expect(names(wrapper)).toEqual([
      'Drift per Column: fare_amount',
      'Drift per Column: prediction',
    ])
    expect(wrapper.find('[data-testid=suite-shown]').text()).toContain('2 of 4 tests')
    wrapper.unmount()
  })

  it('shows a value only when the test carries one (regression: "value —" where the description holds it)', async () => {
    const wrapper = await runSuite()
    const items = wrapper.findAll('[data-testid=suite-tests] li')
    expect(items[0]?.text()).not.toContain('value')
    expect(items[1]?.text()).toContain('value 0.01234')
    expect(wrapper.text()).not.toContain('value —')
    wrapper.unmount()
  })
})
