import type { ReportWorkerPool } from '../../adapters/worker/report-worker-pool'
import type { AppConfig } from '../../config/app-config'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

export interface ReportHandlerDeps {
  readonly config: () => AppConfig
  /** The report threads: reports, suites and their HTML are computed there, never on this thread. */
  readonly reports: ReportWorkerPool
  /**
   * Makes sure the reference month has a saved model before its report is asked for, so a missing model
   * is trained once through the panel's training queue (shared with `model:train`), not by the report
   * thread on its own.
   */
  readonly ensureModel: (referenceMonth: string, date: string) => Promise<void>
}

/**
 * One day's reports and test suites, as data for the views or as a standalone HTML file. A request the
 * user can fix (a day without trips, a reference month not before the day) fails with INVALID_REQUEST;
 * too many waiting requests with BUSY.
 */
export function createReportHandlers(
  deps: ReportHandlerDeps,
): ChannelHandlers<ChannelsOf<'reports'> | ChannelsOf<'suites'>> {
  return {
    async 'reports:get'({ date, preset, referenceMonth }) {
      const task = { kind: 'report', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      return (await deps.reports.report(deps.config(), task)).document
    },

    async 'reports:export-html'({ date, preset, referenceMonth }) {
      const task = { kind: 'report', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      const { html } = await deps.reports.report(deps.config(), task, { html: true })
      return { fileName: `driftdesk-report-${preset}-${date}.html`, html: html ?? '' }
    },

    async 'suites:run'({ date, preset, referenceMonth }) {
      const task = { kind: 'test-suite', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      return (await deps.reports.testSuite(deps.config(), task)).document
    },

    async 'suites:export-html'({ date, preset, referenceMonth }) {
      const task = { kind: 'test-suite', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      const { html } = await deps.reports.testSuite(deps.config(), task, { html: true })
      return { fileName: `driftdesk-test-suite-${preset}-${date}.html`, html: html ?? '' }
    },
  }
}
