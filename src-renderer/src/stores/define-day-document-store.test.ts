import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { ReportDocument, TestSuiteDocument } from '../../../src-main/shared/domain/reports'
import { AppError } from '../../../src-main/shared/errors'
import { installBridge } from '../api/bridge'
import { useReportsStore } from './reports'
import { useTestSuitesStore } from './testSuites'

describe('day-document stores (reports and test suites)', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge()
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('loads a report for the picked day and preset, and exports it', async () => {
    const report = { metrics: [] } as unknown as ReportDocument
    bridge
      .respond('reports:get', () => report)
      .respond('reports:export-html', () => ({ fileName: 'r.html', html: '<html>' }))
    const store = useReportsStore()
    store.preset = 'course'
    await store.load('2022-01')
    expect(bridge.callsOf('reports:get')).toEqual([
      { date: '2022-02-02', preset: 'course', referenceMonth: '2022-01' },
    ])
    expect(store.document).toBe(report)
    await expect(store.exportHtml('2022-01')).resolves.toEqual({
      fileName: 'r.html',
      html: '<html>',
    })
  })

  it('runs a test suite through the suites channels and keeps a failure as its error', async () => {
    const suite = { tests: [] } as unknown as TestSuiteDocument
    let shouldFail = false
    bridge.respond('suites:run', () => {
      if (shouldFail) throw new AppError('INVALID_REQUEST', 'No data for that day.')
      return suite
    })
    const store = useTestSuitesStore()
    store.date = '2022-02-03'
    await store.load('2022-01')
    expect(store.document).toBe(suite)
    shouldFail = true
    await store.load('2022-01')
    expect(store.document).toBeNull()
    expect(store.error).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(store.isLoading).toBe(false)
    expect(bridge.callsOf('suites:run').at(-1)).toEqual({
      date: '2022-02-03',
      preset: 'data-drift',
      referenceMonth: '2022-01',
    })
  })
})
