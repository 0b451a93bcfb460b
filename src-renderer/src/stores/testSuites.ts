import type {
  TestSuiteDocument,
  TestSuitePresetName,
} from '../../../src-main/shared/domain/reports'
import { defineDayDocumentStore } from './define-day-document-store'

/** One day's test suite (a preset): pass/fail per test with its condition and value. */
export const useTestSuitesStore = defineDayDocumentStore<TestSuitePresetName, TestSuiteDocument>(
  'testSuites',
  {
    defaultPreset: 'data-drift',
    fetch: (bridge, request) => bridge.invoke('suites:run', request),
    exportHtml: (bridge, request) => bridge.invoke('suites:export-html', request),
  },
)
