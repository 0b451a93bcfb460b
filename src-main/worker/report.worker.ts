/**
 * The panel's report worker: a thin worker_threads shell around the report service. A report reads a
 * month of trips, predicts it and computes every metric (tens to hundreds of milliseconds), and a
 * reference month without a saved model is trained first (a second or more): on the panel's own thread
 * that froze every view and starved a running backfill (issue 9). The service's caches (reference
 * profiles, month frames) live here, one service per data folder, so successive days stay cheap.
 */
import { parentPort } from 'node:worker_threads'
import type { AppConfig } from '../config/app-config'
import { checkProjectDraft } from '../services/projects/check-project-draft'
import { inspectProjectFiles } from '../services/projects/inspect-project-files'
import { ProjectReportService } from '../services/projects/project-reports'
import { ExplainService } from '../services/explain/explain-service'
import { renderReportHtml } from '../services/reports/render-report-html'
import { ReportRequestError, ReportService } from '../services/reports/report-service'
import { AppError, serializeError } from '../shared/errors'
import type {
  ReportWorkerRequest,
  ReportWorkerResponse,
  ReportWorkerValue,
} from './report-worker-protocol'

/** One service per configuration (data folder, models folder); a panel rarely uses more than two. */
const services = new Map<string, ReportService>()
const MAX_SERVICES = 4
/** Learners' projects: their data sets stay loaded while the panel asks window after window. */
const projects = new ProjectReportService()

function serviceFor(config: AppConfig): ReportService {
  const key = JSON.stringify([config.dataDir, config.cacheDir, config.modelsDir])
  let service = services.get(key)
  if (service === undefined) {
    // The oldest folder's caches go first: they hold whole months of trips.
    if (services.size >= MAX_SERVICES) services.delete(services.keys().next().value as string)
    service = new ReportService(config)
    services.set(key, service)
  }
  return service
}

/** The explain service over the same report service (its month and reference caches are shared). */
const explainServices = new WeakMap<ReportService, ExplainService>()

function explainServiceFor(_config: AppConfig, reports: ReportService): ExplainService {
  let service = explainServices.get(reports)
  if (service === undefined) {
    service = new ExplainService(reports)
    explainServices.set(reports, service)
  }
  return service
}

async function handle(request: ReportWorkerRequest): Promise<ReportWorkerResponse> {
  const { task } = request
  const ok = (document: ReportWorkerValue, html: string | null = null): ReportWorkerResponse => ({
    requestId: request.requestId,
    ok: true,
    document,
    html,
  })
  try {
    switch (task.kind) {
      case 'project-report': {
        const report = await projects.report(task.project, task.preset, task.window)
        return ok(report, request.html ? await renderReportHtml({ report }) : null)
      }
      case 'project-test-suite': {
        const suite = await projects.testSuite(task.project, task.preset, task.window)
        return ok(suite, request.html ? await renderReportHtml({ suite }) : null)
      }
      case 'project-windows':
        return ok(await projects.windows(task.project))
      case 'inspect-files':
        return ok(await inspectProjectFiles(task.reference, task.current))
      case 'check-draft':
        return ok(await checkProjectDraft(task.draft))
      default:
        break
    }
    const service = serviceFor(request.config)
    const options = task.referenceMonth === undefined ? {} : { referenceMonth: task.referenceMonth }
    if (task.kind === 'explain') {
      const result = await explainServiceFor(request.config, service).explainCourseDay(task.date, {
        ...options,
        ...(task.segment === undefined ? {} : { segment: task.segment }),
        ...(task.segmentBy === undefined ? {} : { segmentBy: task.segmentBy }),
        rows: task.rows ?? [],
      })
      const html = request.html
        ? await renderReportHtml({
            explain: result.document,
            title: `Why the prediction moved — ${task.date}`,
          })
        : null
      return { requestId: request.requestId, ok: true, document: result, html }
    }
    if (task.kind === 'report') {
      const report = await service.report(task.preset, task.date, options)
      const html = request.html
        ? // Titled from the report's context, as the CLI's export is: one name for one preset everywhere.
          await renderReportHtml({ report })
        : null
      return { requestId: request.requestId, ok: true, document: report, html }
    }
    const suite = await service.testSuite(task.preset, task.date, options)
    const html = request.html ? await renderReportHtml({ suite }) : null
    return { requestId: request.requestId, ok: true, document: suite, html }
  } catch (error) {
    // The report service's own error is a request the user can fix (wrong day, reference month).
    const wrapped =
      error instanceof ReportRequestError
        ? new AppError('INVALID_REQUEST', error.message, { cause: error })
        : error
    return { requestId: request.requestId, ok: false, error: serializeError(wrapped) }
  }
}

const port = parentPort
if (port === null) throw new Error('report.worker.ts must run in a worker thread.')

port.on('message', (request: ReportWorkerRequest) => {
  void handle(request).then((response) => port.postMessage(response))
})
