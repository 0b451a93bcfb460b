import { renderReportHtml } from '../../services/reports/render-report-html'
import type { ReportService } from '../../services/reports/report-service'
import { ReportRequestError } from '../../services/reports/report-service'
import { AppError } from '../../shared/errors'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

export interface ReportHandlerDeps {
  /** The report service on the panel's current data folder. */
  readonly reports: () => ReportService
}

/** One day's reports and test suites, as data for the views or as a standalone HTML file. */
export function createReportHandlers(
  deps: ReportHandlerDeps,
): ChannelHandlers<ChannelsOf<'reports'> | ChannelsOf<'suites'>> {
  return {
    async 'reports:get'({ date, preset, referenceMonth }) {
      return deps.reports().report(preset, date, { referenceMonth }).catch(reportError)
    },

    async 'reports:export-html'({ date, preset, referenceMonth }) {
      const report = await deps
        .reports()
        .report(preset, date, { referenceMonth })
        .catch(reportError)
      // Titled from the report's context, as the CLI's export is: one name for one preset everywhere.
      const html = await renderReportHtml({ report })
      return { fileName: `driftdesk-report-${preset}-${date}.html`, html }
    },

    async 'suites:run'({ date, preset, referenceMonth }) {
      return deps.reports().testSuite(preset, date, { referenceMonth }).catch(reportError)
    },

    async 'suites:export-html'({ date, preset, referenceMonth }) {
      const suite = await deps
        .reports()
        .testSuite(preset, date, { referenceMonth })
        .catch(reportError)
      const html = await renderReportHtml({ suite })
      return { fileName: `driftdesk-test-suite-${preset}-${date}.html`, html }
    },
  }
}

function reportError(error: unknown): never {
  // The report service's own error is a request the user can fix (wrong day, reference month).
  if (error instanceof ReportRequestError)
    throw new AppError('INVALID_REQUEST', error.message, { cause: error })
  throw error
}
