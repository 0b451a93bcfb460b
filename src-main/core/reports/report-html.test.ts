import { describe, expect, it } from 'vitest'
import type { ReportDocument, TestSuiteDocument } from '../../shared/domain/reports'
import { THEME_COLORS } from '../../shared/theme'
import { presetTitle, renderReportHtmlPage } from './report-html'

const context = (preset: string) => ({
  date: '2022-02-02',
  referenceMonth: '2022-01',
  preset,
  currentRows: 2536,
  referenceRows: 25211,
  generatedBy: 'driftdesk',
})
const report: ReportDocument = { metrics: [], context: context('report:data-drift') }
const suite: TestSuiteDocument = {
  tests: [],
  summary: { all_passed: true, total_tests: 0, success_tests: 0, failed_tests: 0, by_status: {} },
  context: context('test-suite:data-drift'),
}

function titleOf(html: string): string {
  return /<title>(.*)<\/title>/.exec(html)?.[1] ?? ''
}

describe('the HTML export', () => {
  it('titles a test suite as a test suite even with its report included (regression: "Data drift report")', () => {
    const html = renderReportHtmlPage({ suite, report, echartsSource: '' })
    expect(titleOf(html)).toBe('Data drift test suite — 2022-02-02 vs 2022-01')
  })

  it('names presets as the panel does', () => {
    expect(presetTitle('report:course')).toBe('Course metrics report')
    expect(presetTitle('report:regression')).toBe('Regression quality report')
    expect(presetTitle('test-suite:no-target')).toBe('No target performance test suite')
  })

  it("uses the panel's theme: its reference, current and accent colours (regression: other colours)", () => {
    const html = renderReportHtmlPage({ report, echartsSource: '' })
    expect(html).toContain(`--ref:${THEME_COLORS.reference}`)
    expect(html).toContain(`--cur:${THEME_COLORS.current}`)
    expect(html).toContain(`var REF = '${THEME_COLORS.reference}', CUR = '${THEME_COLORS.current}'`)
    expect(html).not.toContain('#e0673a')
  })
})
