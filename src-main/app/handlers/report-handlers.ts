import type { ReportWorkerPool } from '../../adapters/worker/report-worker-pool'
import type { AppConfig } from '../../config/app-config'
import type { ProjectTask } from '../../services/projects/project-reports'
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
  /** A stored project's data and options, for a request that names one (issue #11). */
  readonly projectTask: (name: string) => Promise<ProjectTask>
}

/** Lower-case, file-name-safe: `fair · 2024-01-01` → `fair-2024-01-01`. */
function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '')
}

/**
 * One day's reports and test suites of the course, or one window's of a learner's project, as data for
 * the views or as a standalone HTML file. A request the user can fix (a day without trips, a reference
 * month not before the day, a window that does not exist) fails with INVALID_REQUEST; too many waiting
 * requests with BUSY.
 */
export function createReportHandlers(
  deps: ReportHandlerDeps,
): ChannelHandlers<ChannelsOf<'reports'> | ChannelsOf<'suites'>> {
  return {
    async 'reports:get'(request) {
      if ('project' in request) {
        const project = await deps.projectTask(request.project)
        const task = {
          kind: 'project-report',
          preset: request.preset,
          project,
          window: request.window,
        } as const
        return (await deps.reports.projectReport(deps.config(), task)).document
      }
      const { date, preset, referenceMonth } = request
      const task = { kind: 'report', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      return (await deps.reports.report(deps.config(), task)).document
    },

    async 'reports:export-html'(request) {
      if ('project' in request) {
        const project = await deps.projectTask(request.project)
        const task = {
          kind: 'project-report',
          preset: request.preset,
          project,
          window: request.window,
        } as const
        const { html } = await deps.reports.projectReport(deps.config(), task, { html: true })
        return {
          fileName: `driftdesk-report-${request.preset}-${fileNamePart(`${request.project}-${request.window}`)}.html`,
          html: html ?? '',
        }
      }
      const { date, preset, referenceMonth } = request
      const task = { kind: 'report', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      const { html } = await deps.reports.report(deps.config(), task, { html: true })
      return { fileName: `driftdesk-report-${preset}-${date}.html`, html: html ?? '' }
    },

    async 'suites:run'(request) {
      if ('project' in request) {
        const project = await deps.projectTask(request.project)
        const task = {
          kind: 'project-test-suite',
          preset: request.preset,
          project,
          window: request.window,
        } as const
        return (await deps.reports.projectTestSuite(deps.config(), task)).document
      }
      const { date, preset, referenceMonth } = request
      const task = { kind: 'test-suite', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      return (await deps.reports.testSuite(deps.config(), task)).document
    },

    async 'suites:export-html'(request) {
      if ('project' in request) {
        const project = await deps.projectTask(request.project)
        const task = {
          kind: 'project-test-suite',
          preset: request.preset,
          project,
          window: request.window,
        } as const
        const { html } = await deps.reports.projectTestSuite(deps.config(), task, { html: true })
        return {
          fileName: `driftdesk-test-suite-${request.preset}-${fileNamePart(`${request.project}-${request.window}`)}.html`,
          html: html ?? '',
        }
      }
      const { date, preset, referenceMonth } = request
      const task = { kind: 'test-suite', preset, date, referenceMonth } as const
      await deps.ensureModel(referenceMonth, date)
      const { html } = await deps.reports.testSuite(deps.config(), task, { html: true })
      return { fileName: `driftdesk-test-suite-${preset}-${date}.html`, html: html ?? '' }
    },
  }
}
