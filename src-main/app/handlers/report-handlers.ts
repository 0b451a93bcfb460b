import type { ComputedReport, ReportWorkerPool } from '../../adapters/worker/report-worker-pool'
import type { AppConfig } from '../../config/app-config'
import type { ProjectTask } from '../../services/projects/project-reports'
import type {
  ProjectReportRequest,
  ProjectTestSuiteRequest,
  ReportRequest,
  TestSuiteRequest,
} from '../../shared/ipc-contract'
import type { ReportDocument, TestSuiteDocument } from '../../shared/domain/reports'
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
  /** A course day's report, or a project window's, computed on a report thread; `label` names its file. */
  async function report(
    request: ReportRequest | ProjectReportRequest,
    html: boolean,
  ): Promise<{ computed: ComputedReport<ReportDocument>; label: string }> {
    if ('project' in request) {
      const { preset, window } = request
      const project = await deps.projectTask(request.project)
      const task = { kind: 'project-report', preset, project, window } as const
      return {
        computed: await deps.reports.projectReport(deps.config(), task, { html }),
        label: `${preset}-${fileNamePart(`${request.project}-${window}`)}`,
      }
    }
    const { date, preset, referenceMonth } = request
    await deps.ensureModel(referenceMonth, date)
    const task = { kind: 'report', preset, date, referenceMonth } as const
    return {
      computed: await deps.reports.report(deps.config(), task, { html }),
      label: `${preset}-${date}`,
    }
  }

  /** The same for a test suite. */
  async function suite(
    request: TestSuiteRequest | ProjectTestSuiteRequest,
    html: boolean,
  ): Promise<{ computed: ComputedReport<TestSuiteDocument>; label: string }> {
    if ('project' in request) {
      const { preset, window } = request
      const project = await deps.projectTask(request.project)
      const task = { kind: 'project-test-suite', preset, project, window } as const
      return {
        computed: await deps.reports.projectTestSuite(deps.config(), task, { html }),
        label: `${preset}-${fileNamePart(`${request.project}-${window}`)}`,
      }
    }
    const { date, preset, referenceMonth } = request
    await deps.ensureModel(referenceMonth, date)
    const task = { kind: 'test-suite', preset, date, referenceMonth } as const
    return {
      computed: await deps.reports.testSuite(deps.config(), task, { html }),
      label: `${preset}-${date}`,
    }
  }

  return {
    async 'reports:get'(request) {
      return (await report(request, false)).computed.document
    },
    async 'reports:export-html'(request) {
      const { computed, label } = await report(request, true)
      return { fileName: `driftdesk-report-${label}.html`, html: computed.html ?? '' }
    },
    async 'suites:run'(request) {
      return (await suite(request, false)).computed.document
    },
    async 'suites:export-html'(request) {
      const { computed, label } = await suite(request, true)
      return { fileName: `driftdesk-test-suite-${label}.html`, html: computed.html ?? '' }
    },
  }
}
