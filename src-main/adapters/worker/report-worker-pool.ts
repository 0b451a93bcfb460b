import type { Worker } from 'node:worker_threads'
import type { AppConfig } from '../../config/app-config'
import type { ReportDocument, TestSuiteDocument } from '../../shared/domain/reports'
import type { ExplainResult } from '../../shared/domain/explain'
import { AppError } from '../../shared/errors'
import type { DraftCheck } from '../../services/projects/check-project-draft'
import type { InspectFilesResult, ProjectWindows } from '../../shared/domain/projects'
import type {
  ReportTask,
  ReportWorkerRequest,
  ReportWorkerResponse,
  ReportWorkerValue,
} from '../../worker/report-worker-protocol'
import { startModuleWorker } from './worker-host'

const WORKER_MODULE = new URL('../../worker/report.worker.ts', import.meta.url)

/** Starts one report worker; replaced in a bundled build by the bundler's worker import. */
export type ReportWorkerFactory = (index: number) => Worker

const defaultFactory: ReportWorkerFactory = (index) =>
  startModuleWorker(WORKER_MODULE, `driftdesk-report-${index}`)

/** What a computed task hands back: the document, and its HTML page when asked for. */
export interface ComputedReport<D extends ReportWorkerValue> {
  readonly document: D
  readonly html: string | null
}

interface QueuedTask {
  readonly config: AppConfig
  readonly task: ReportTask
  readonly html: boolean
  resolve(response: Extract<ReportWorkerResponse, { ok: true }>): void
  reject(error: Error): void
}

interface Slot {
  readonly index: number
  worker: Worker | null
  running: { readonly requestId: number; readonly queued: QueuedTask } | null
}

/**
 * Tasks waiting for a report thread, across every panel connection. Each connection is bounded by the
 * front door; this bound keeps many connections (or the Electron window's own IPC, which has no socket)
 * from queueing without end: beyond it a request is answered BUSY at once.
 */
export const MAX_QUEUED_REPORTS = 256

/**
 * The threads that compute the panel's reports and test suites, off the thread that serves the panel
 * (issue 9). Threads start on the first request and stay (their caches are what make the second day
 * fast); each computes one task at a time, in arrival order. A thread that dies fails its task with
 * INTERNAL and is started again for the next one.
 */
export class ReportWorkerPool {
  private readonly slots: Slot[]
  private readonly queue: QueuedTask[] = []
  private nextRequestId = 1
  private closed = false

  constructor(
    readonly size = 1,
    private readonly startWorker: ReportWorkerFactory = defaultFactory,
  ) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `The report thread count must be a whole number of at least 1 (got ${size}).`,
      )
    }
    this.slots = Array.from({ length: size }, (_, index) => ({
      index,
      worker: null,
      running: null,
    }))
  }

  /** Tasks waiting for a thread plus those being computed; read by the benchmark. */
  get pending(): number {
    return this.queue.length + this.slots.filter((slot) => slot.running !== null).length
  }

  report(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'report' }>,
    options: { html?: boolean } = {},
  ): Promise<ComputedReport<ReportDocument>> {
    return this.run(config, task, options.html === true) as Promise<ComputedReport<ReportDocument>>
  }

  testSuite(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'test-suite' }>,
    options: { html?: boolean } = {},
  ): Promise<ComputedReport<TestSuiteDocument>> {
    return this.run(config, task, options.html === true) as Promise<
      ComputedReport<TestSuiteDocument>
    >
  }

  /** A stored project's report of one window (issue #11). */
  projectReport(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'project-report' }>,
    options: { html?: boolean } = {},
  ): Promise<ComputedReport<ReportDocument>> {
    return this.run(config, task, options.html === true) as Promise<ComputedReport<ReportDocument>>
  }

  projectTestSuite(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'project-test-suite' }>,
    options: { html?: boolean } = {},
  ): Promise<ComputedReport<TestSuiteDocument>> {
    return this.run(config, task, options.html === true) as Promise<
      ComputedReport<TestSuiteDocument>
    >
  }

  /** A project's windows: its data is read on the report thread, which keeps it for the reports. */
  async projectWindows(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'project-windows' }>,
  ): Promise<ProjectWindows> {
    return (await this.run(config, task, false)).document as ProjectWindows
  }

  /** A draft's files, read off the panel's thread (a first row group can be large). */
  async inspectFiles(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'inspect-files' }>,
  ): Promise<InspectFilesResult> {
    return (await this.run(config, task, false)).document as InspectFilesResult
  }

  /** A draft project checked (schema, files, columns) off the panel's thread. */
  async checkDraft(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'check-draft' }>,
  ): Promise<DraftCheck> {
    return (await this.run(config, task, false)).document as DraftCheck
  }

  /** Why the day's prediction moved, its outliers and segments (issue #13), on a report thread. */
  explain(
    config: AppConfig,
    task: Extract<ReportTask, { kind: 'explain' }>,
    options: { html?: boolean } = {},
  ): Promise<ComputedReport<ExplainResult>> {
    return this.run(config, task, options.html === true) as Promise<ComputedReport<ExplainResult>>
  }

  async close(): Promise<void> {
    this.closed = true
    const closing = new AppError('CANCELLED', 'The panel closed before this report was computed.')
    for (const queued of this.queue.splice(0)) queued.reject(closing)
    await Promise.all(
      this.slots.map(async (slot) => {
        const { worker, running } = slot
        slot.worker = null
        slot.running = null
        running?.queued.reject(closing)
        if (worker !== null) await worker.terminate()
      }),
    )
  }

  private run(
    config: AppConfig,
    task: ReportTask,
    html: boolean,
  ): Promise<ComputedReport<ReportWorkerValue>> {
    if (this.closed) {
      return Promise.reject(new AppError('CANCELLED', 'The panel is closing; no more reports.'))
    }
    if (this.queue.length >= MAX_QUEUED_REPORTS) {
      return Promise.reject(
        new AppError(
          'BUSY',
          `${MAX_QUEUED_REPORTS} reports and test suites are already waiting to be computed; this one was not started. Wait for them to finish, then try again.`,
        ),
      )
    }
    return new Promise<Extract<ReportWorkerResponse, { ok: true }>>((resolve, reject) => {
      this.queue.push({ config, task, html, resolve, reject })
      this.pump()
    }).then((response) => ({ document: response.document, html: response.html }))
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.running !== null) continue
      const queued = this.queue.shift()
      if (queued === undefined) return
      const worker = slot.worker ?? this.spawn(slot)
      const requestId = this.nextRequestId++
      slot.running = { requestId, queued }
      const request: ReportWorkerRequest = {
        requestId,
        config: queued.config,
        task: queued.task,
        html: queued.html,
      }
      worker.postMessage(request)
    }
  }

  private spawn(slot: Slot): Worker {
    const worker = this.startWorker(slot.index)
    slot.worker = worker
    worker.on('message', (response: ReportWorkerResponse) => {
      const running = slot.running
      if (slot.worker !== worker || running === null || running.requestId !== response.requestId)
        return
      slot.running = null
      if (response.ok) running.queued.resolve(response)
      else running.queued.reject(new AppError(response.error.code, response.error.message))
      this.pump()
    })
    const fail = (reason: string): void => {
      if (slot.worker !== worker) return
      slot.worker = null
      const running = slot.running
      slot.running = null
      running?.queued.reject(
        new AppError(
          'INTERNAL',
          `The report thread stopped (${reason}); ask for the report again.`,
        ),
      )
      if (!this.closed) this.pump()
    }
    worker.on('error', (error) => fail(error.message))
    worker.on('exit', (code) => fail(`exit code ${code}`))
    return worker
  }
}
