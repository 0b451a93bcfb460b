/**
 * Report and test-suite documents, shaped like Evidently 0.4's `Report.as_dict()` and `TestSuite.as_dict()`
 * so a script written against Evidently's dictionaries reads driftdesk's. Plain JSON data: it crosses IPC,
 * the WebSocket, the CLI's `--json` and the HTML file unchanged. Non-finite floats are written as the strings
 * "NaN", "Infinity", "-Infinity" when serialised.
 */

export type ReportPresetName = 'data-drift' | 'data-quality' | 'regression' | 'course'
export type TestSuitePresetName =
  'data-drift' | 'data-quality' | 'data-stability' | 'no-target' | 'regression'

export const reportPresetNames: readonly ReportPresetName[] = [
  'data-drift',
  'data-quality',
  'regression',
  'course',
]
export const testSuitePresetNames: readonly TestSuitePresetName[] = [
  'data-drift',
  'data-quality',
  'data-stability',
  'no-target',
  'regression',
]

/** What the panel calls each preset; typed by the names, so a new preset cannot go unlabelled. */
export const REPORT_PRESET_LABELS: Readonly<Record<ReportPresetName, string>> = {
  'data-drift': 'Data drift',
  'data-quality': 'Data quality',
  regression: 'Regression quality',
  course: 'Course metrics',
}
export const TEST_SUITE_PRESET_LABELS: Readonly<Record<TestSuitePresetName, string>> = {
  'data-drift': 'Data drift',
  'data-quality': 'Data quality',
  'data-stability': 'Data stability',
  'no-target': 'No target performance',
  regression: 'Regression',
}

/** One metric of a report: Evidently's class name and its result dictionary. */
export interface ReportMetricEntry {
  readonly metric: string
  readonly result: Readonly<Record<string, unknown>>
}

/** What a report was computed on (driftdesk's addition; Evidently's dict has only `metrics`). */
export interface ReportContextInfo {
  readonly date: string
  readonly referenceMonth: string
  readonly preset: string
  readonly currentRows: number
  readonly referenceRows: number
  readonly generatedBy: string
}

/** `Report.as_dict()` plus driftdesk's context. */
export interface ReportDocument {
  readonly metrics: readonly ReportMetricEntry[]
  readonly context?: ReportContextInfo
}

export type TestStatus = 'SUCCESS' | 'FAIL' | 'WARNING' | 'ERROR' | 'SKIPPED'
export const testStatuses: readonly TestStatus[] = [
  'SUCCESS',
  'FAIL',
  'WARNING',
  'ERROR',
  'SKIPPED',
]

/** One test as Evidently's TestSuite `as_dict()` prints it. */
export interface SuiteTestEntry {
  readonly name: string
  readonly description: string
  readonly status: TestStatus
  readonly group: string
  readonly parameters: Readonly<Record<string, unknown>>
}

export interface TestSuiteSummary {
  readonly all_passed: boolean
  readonly total_tests: number
  readonly success_tests: number
  readonly failed_tests: number
  readonly by_status: Readonly<Partial<Record<TestStatus, number>>>
}

/** `TestSuite.as_dict()` plus driftdesk's context. */
export interface TestSuiteDocument {
  readonly tests: readonly SuiteTestEntry[]
  readonly summary: TestSuiteSummary
  readonly context?: ReportContextInfo
}
