import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { ReportHtmlInput } from '../../core/reports/report-html'
import { renderReportHtmlPage } from '../../core/reports/report-html'

let echartsSource: Promise<string> | undefined

/** The ECharts browser build (common charts: bar, line, pie, scatter) read once from node_modules. */
function loadEcharts(): Promise<string> {
  echartsSource ??= readFile(
    createRequire(import.meta.url).resolve('echarts/dist/echarts.common.min.js'),
    'utf8',
  )
  return echartsSource
}

/** A self-contained HTML page (ECharts inlined) for a report and/or a test suite. */
export async function renderReportHtml(
  input: Omit<ReportHtmlInput, 'echartsSource'>,
): Promise<string> {
  return renderReportHtmlPage({ ...input, echartsSource: await loadEcharts() })
}
