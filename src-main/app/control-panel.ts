import { stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { isAbsolute } from 'node:path'
import type { BackfillWorkerFactory } from '../adapters/worker/backfill-worker-pool'
import { BackfillWorkerPool, defaultWorkerCount } from '../adapters/worker/backfill-worker-pool'
import type { AppConfig } from '../config/app-config'
import { loadConfig } from '../config/app-config'
import { daysInMonth, isoDate, parseIsoDate } from '../core/pipeline/daily-windows'
import { ensureTripFiles } from '../services/data/ensure-trip-files'
import { tripFileLocation } from '../services/data/locate-trip-file'
import { locateOrDownloadMonthFile } from '../services/data/locate-or-download-month-file'
import { isProcessAlive } from '../adapters/process/is-process-alive'
import type { TripFileProgress } from '../services/data/trip-file-progress'
import { tripFileFolder } from '../services/data/trip-file-location'
import { ensureTrainedModel, modelPaths } from '../services/model/model-service'
import { BackfillService } from '../services/pipeline/backfill-service'
import { DEFAULT_RETRY_POLICY } from '../services/pipeline/retry-policy'
import { RunEvents } from '../services/pipeline/run-events'
import { renderReportHtml } from '../services/reports/render-report-html'
import { ReportRequestError, ReportService } from '../services/reports/report-service'
import type { StackAssetPaths } from '../services/stack/create-stack-service'
import { createStackService } from '../services/stack/create-stack-service'
import type { StackService } from '../services/stack/stack-service'
import type {
  BackfillRequest,
  InvokeChannel,
  ModelView,
  PanelConfig,
  PanelMode,
  PipelineOutcome,
  RequestOf,
  ResponseOf,
} from '../shared/ipc-contract'
import type { DataFileProgress, DataFilesStatus } from '../shared/domain/ui'
import type { StackUrls } from '../shared/domain/stack'
import { AppError } from '../shared/errors'
import { DatabaseConnection } from './database-connection'
import type { InvokeHandlers } from './dispatch-request'
import type { EventSink } from './event-sink'
import { JobRegistry } from './job-registry'
import { readPanelSettings, writePanelSettings } from './panel-settings'
import { samplePredictedVsActual } from './sample-predicted-vs-actual'

export interface ControlPanelOptions {
  /** The configuration from the environment; the panel may re-derive it when the user picks a data folder. */
  readonly config: AppConfig
  /** Only used to find the container engine (DOCKER_HOST, XDG_RUNTIME_DIR) and for config overrides. */
  readonly env: Readonly<Record<string, string | undefined>>
  readonly sink: EventSink
  readonly mode: PanelMode
  readonly version: string
  /** Electron's folder picker; browser mode has none (the user types a path). */
  readonly chooseFolder?: () => Promise<string | null>
  /** A bundled build's worker factory (electron-vite `?nodeWorker`); source runs use the default. */
  readonly createBackfillWorker?: BackfillWorkerFactory
  /** Where Grafana's provisioning and the dashboards are; default: the repository's folders (source runs). */
  readonly stackAssets?: StackAssetPaths
  /** Compute threads per backfill (default: one per core). */
  readonly workers?: number
  readonly log?: (line: string) => void
}

/** The services behind every front door that shows the panel, and what the front door needs to know. */
export interface ControlPanel {
  readonly handlers: InvokeHandlers
  /** The stack's localhost origins (Grafana, Adminer) the panel's CSP lets frames load from. */
  frameOrigins(): readonly string[]
  close(): Promise<void>
}

/** How often the stack's per-service health is polled while it starts. */
const HEALTH_POLL_MS = 1500
const MAX_PLOT_POINTS = 2000
/** How long closing waits for cancelled jobs to end before closing the database under them. */
const CLOSE_TIMEOUT_MS = 10_000

/**
 * Composes the services the control panel's contract calls — trip data, model, backfill runs, reports
 * and test suites, the container stack — independent of the transport: Electron IPC and the browser-mode
 * WebSocket both register `handlers` and forward `sink` events. Long jobs go through one JobRegistry.
 */
export async function createControlPanel(options: ControlPanelOptions): Promise<ControlPanel> {
  const log = options.log ?? (() => undefined)
  const baseConfig = options.config
  let settings = await readPanelSettings(baseConfig.homeDir)
  const withDataDir = (dataDir: string | null): AppConfig =>
    dataDir === null
      ? baseConfig
      : loadConfig(options.env, {
          homeDir: baseConfig.homeDir,
          dataDir,
          databaseUrl: baseConfig.databaseUrl ?? undefined,
        })
  // A folder given for this start (--data-dir, DRIFTDESK_DATA_DIR) wins over the one remembered from an
  // earlier start; a folder the user picks in this session wins over both.
  let config = withDataDir(baseConfig.dataDir === null ? settings.dataDir : null)
  let reports = new ReportService(config)
  const jobs = new JobRegistry(options.sink)
  const stack: StackService = createStackService(config, options.env, options.stackAssets)
  const connection = new DatabaseConnection(
    () => config,
    () => stack.databaseUrl(),
  )
  let stackUrls: StackUrls | null = await stack.urls().catch(() => null)
  let backfillJobId: string | null = null
  let stackJobId: string | null = null

  const refreshStackUrls = async (): Promise<StackUrls | null> => {
    stackUrls = await stack.urls().catch(() => stackUrls)
    return stackUrls
  }

  const frameOrigins = (): readonly string[] => {
    if (stackUrls === null) return []
    return [...new Set([stackUrls.grafana, stackUrls.adminer].map((url) => new URL(url).origin))]
  }

  /** A month's file from the data folder or the cache, downloaded into the cache when missing there. */
  const monthFile = (
    month: string,
    signal?: AbortSignal,
    dataDir: string | null = config.dataDir,
  ): Promise<string> =>
    locateOrDownloadMonthFile({ ...config, dataDir }, month, signal === undefined ? {} : { signal })

  /**
   * The model of `referenceMonth` with a plot sample. Training (Parquet decoding and least squares, a
   * second or more) runs in a compute worker like the backfill's, so the process that serves the panel
   * stays responsive; main then only loads the saved model and reference.
   */
  const modelView = async (
    referenceMonth: string,
    shouldTrain: { force: boolean } | null,
    signal?: AbortSignal,
  ): Promise<ModelView> => {
    const file = await monthFile(referenceMonth, signal)
    if (shouldTrain !== null) {
      const pool = new BackfillWorkerPool(1, options.createBackfillWorker)
      try {
        await pool.load({
          config,
          referenceMonth,
          referenceFile: file,
          monthFile: file,
          startDate: `${referenceMonth}-01`,
          days: 1,
          retrain: shouldTrain.force,
        })
      } finally {
        await pool.close()
      }
    }
    const trained = await ensureTrainedModel(config, referenceMonth, file)
    return {
      summary: trained.training.summary,
      predictedVsActual: samplePredictedVsActual(trained.training.reference, MAX_PLOT_POINTS),
    }
  }

  const dataStatus = async (months: readonly string[]): Promise<DataFilesStatus> => {
    const { folder, source } = tripFileFolder(config)
    const files = await Promise.all(
      months.map(async (month) => {
        const location = tripFileLocation(config, month)
        const info = await stat(location.path).catch(() => null)
        const isPresent = info?.isFile() === true
        return {
          month,
          fileName: location.fileName,
          path: location.path,
          isPresent,
          bytes: isPresent && info !== null ? info.size : null,
        }
      }),
    )
    return { folder, source, files }
  }

  const backfillService = (): Promise<BackfillService> =>
    connection.get().then(
      ({ store }) =>
        new BackfillService({
          config,
          store,
          createRunner: (workers) => new BackfillWorkerPool(workers, options.createBackfillWorker),
          // A resumed run keeps the data folder it was started with.
          locateMonthFile: (month, dataDir) => monthFile(month, undefined, dataDir),
          hostname: hostname(),
          pid: process.pid,
          isProcessAlive,
        }),
    )

  const startBackfill = (
    run: (
      service: BackfillService,
      events: RunEvents,
      signal: AbortSignal,
    ) => Promise<PipelineOutcome>,
  ): string => {
    if (backfillJobId !== null) {
      throw new AppError(
        'PIPELINE_INPUT_INVALID',
        'A backfill is already running: wait for it or cancel it first.',
      )
    }
    const jobId = jobs.start(
      { finished: 'pipeline:finished', progress: 'pipeline:progress' },
      async ({ signal, report }) => {
        const events = new RunEvents(0)
        const unsubscribe = events.subscribe(report)
        try {
          return await run(await backfillService(), events, signal)
        } finally {
          unsubscribe()
          backfillJobId = null
        }
      },
    )
    backfillJobId = jobId
    return jobId
  }

  const reportError = (error: unknown): never => {
    // The report service's own error is a request the user can fix (wrong day, reference month).
    if (error instanceof ReportRequestError)
      throw new AppError('INVALID_REQUEST', error.message, { cause: error })
    throw error
  }

  const handlers = {
    async 'config:get'(): Promise<PanelConfig> {
      const urls = await refreshStackUrls()
      // URLs are known from the ports file even when the stack is stopped; a frame on them would show
      // "refused to connect", so only a healthy service gets its URL.
      const status = urls === null ? null : await stack.status().catch(() => null)
      const isHealthy = (service: string): boolean =>
        status?.services.some(
          (health) => health.service === service && health.state === 'healthy',
        ) === true
      const database = await connection.describe()
      return {
        mode: options.mode,
        version: options.version,
        homeDir: config.homeDir,
        dataDir: config.dataDir ?? config.cacheDir,
        database: { kind: database.kind, description: database.description },
        grafana:
          urls === null || !isHealthy('grafana')
            ? null
            : { url: urls.grafana, dashboardUrl: withKiosk(urls.grafanaDashboard) },
        // `url` backs "open in browser": the bare origin, never the token-carrying login URL.
        adminer:
          urls === null || !isHealthy('adminer')
            ? null
            : { url: new URL(urls.adminer).origin, loginUrl: urls.adminer },
        frameOrigins: frameOrigins(),
      }
    },

    async 'jobs:running'() {
      return { jobIds: jobs.runningJobIds }
    },

    async 'model:get'({ referenceMonth }) {
      const saved = await stat(modelPaths(config, referenceMonth).model).catch(() => null)
      return saved === null ? null : modelView(referenceMonth, null)
    },

    async 'model:train'({ referenceMonth, force }) {
      const jobId = jobs.start({ finished: 'model:finished' }, ({ signal }) =>
        modelView(referenceMonth, { force: force === true }, signal),
      )
      return { jobId }
    },

    async 'model:cancel'({ jobId }) {
      return { cancelled: jobs.cancel(jobId) }
    },

    async 'pipeline:start'(request: BackfillRequest) {
      const jobId = startBackfill(async (service, events, signal) => {
        const outcome = await service.run(
          {
            startDate: `${request.month}-01`,
            days: request.days,
            referenceMonth: request.referenceMonth,
            // Recorded with the run, so a resume reads the same folder.
            dataDir: config.dataDir,
            force: request.force === true,
            paceSeconds: request.paceSeconds,
            retry: DEFAULT_RETRY_POLICY,
            workers: options.workers ?? defaultWorkerCount(),
          },
          { events, signal },
        )
        return {
          runId: outcome.run.id,
          state: outcome.run.state,
          message: outcome.run.stateMessage,
        }
      })
      return { jobId, runId: null }
    },

    async 'pipeline:resume'({ runId }) {
      const jobId = startBackfill(async (service, events, signal) => {
        const outcome = await service.run(null, { events, signal, resumeRunId: runId })
        return {
          runId: outcome.run.id,
          state: outcome.run.state,
          message: outcome.run.stateMessage,
        }
      })
      return { jobId, runId }
    },

    async 'pipeline:cancel'({ jobId }) {
      return { cancelled: jobs.cancel(jobId) }
    },

    async 'metrics:list'({ month }) {
      const { store } = await connection.get()
      const from = `${month}-01`
      const to = isoDate(parseIsoDate(from) + daysInMonth(month) * 86_400_000)
      return (await store.listStoredDays(from, to)).map((day) => day.metrics)
    },

    async 'runs:list'({ limit }) {
      const { store } = await connection.get()
      return store.listRuns(limit ?? 50)
    },

    async 'runs:show'({ runId }) {
      const { store } = await connection.get()
      // Resolves an abbreviated id too, and never hands a non-UUID to PostgreSQL.
      const { id } = await store.resolveRunId(runId)
      const details = id === null ? null : await store.runDetails(id)
      if (details === null) throw new AppError('RUN_NOT_FOUND', `No run ${runId} in this database.`)
      return details
    },

    async 'stack:status'() {
      const status = await stack.status()
      stackUrls = status.urls
      return status
    },

    async 'stack:start'({ pull }) {
      // One start at a time (a double click, a second tab): the second caller follows the running job.
      if (stackJobId !== null) return { jobId: stackJobId }
      const jobId = jobs.start(
        { finished: 'stack:finished', progress: 'stack:progress' },
        async ({ signal, report }) => {
          let isPolling = true
          const poll = async (): Promise<void> => {
            while (isPolling) {
              await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS))
              if (!isPolling) return
              const status = await stack.status().catch(() => null)
              if (status !== null && isPolling)
                report({ type: 'health', services: status.services })
            }
          }
          const polling = poll()
          try {
            const status = await stack.up({
              pull: pull === true,
              signal,
              onPullProgress: (progress) => report({ type: 'pull', progress }),
              onMessage: (text) => report({ type: 'message', text }),
            })
            stackUrls = status.urls
            // Move to the stack's PostgreSQL so Grafana shows what the next backfill stores.
            if (backfillJobId === null && config.databaseUrl === null) await connection.reopen()
            return status
          } finally {
            isPolling = false
            await polling
            stackJobId = null
          }
        },
      )
      stackJobId = jobId
      return { jobId }
    },

    async 'stack:cancel'({ jobId }) {
      return { cancelled: jobs.cancel(jobId) }
    },

    async 'stack:stop'() {
      if (backfillJobId !== null) {
        throw new AppError(
          'PIPELINE_INPUT_INVALID',
          'A backfill is running: cancel it before stopping the stack.',
        )
      }
      await stack.stop()
      // If the panel was using the stack's PostgreSQL, the next request falls back to the embedded one.
      if (config.databaseUrl === null) await connection.reopen()
      const status = await stack.status()
      stackUrls = status.urls
      return status
    },

    async 'data:status'({ months }) {
      return dataStatus(months)
    },

    async 'data:download'({ months }) {
      const jobId = jobs.start(
        { finished: 'data:finished', progress: 'data:progress' },
        async ({ signal, report }) => {
          await ensureTripFiles(config, months, (event) => report(toDataProgress(event)), signal)
          return dataStatus(months)
        },
      )
      return { jobId }
    },

    async 'data:cancel'({ jobId }) {
      return { cancelled: jobs.cancel(jobId) }
    },

    async 'data:choose-folder'({ path, months }) {
      let chosen: string | null
      if (path === undefined) {
        if (options.chooseFolder === undefined) {
          throw new AppError(
            'INVALID_REQUEST',
            'Type the folder path: browser mode has no folder dialog.',
          )
        }
        chosen = await options.chooseFolder()
        if (chosen === null) return null
      } else {
        chosen = path
      }
      if (chosen !== null) {
        if (!isAbsolute(chosen)) {
          throw new AppError(
            'INVALID_REQUEST',
            `Give the folder as an absolute path (got '${chosen}').`,
          )
        }
        const info = await stat(chosen).catch(() => null)
        if (info === null || !info.isDirectory()) {
          throw new AppError(
            'DATA_FILE_MISSING',
            `${chosen} is not a folder on this machine: check the path.`,
          )
        }
      }
      settings = { ...settings, dataDir: chosen }
      await writePanelSettings(baseConfig.homeDir, settings)
      config = withDataDir(chosen)
      reports = new ReportService(config)
      log(`[panel] trip files now read from ${config.dataDir ?? config.cacheDir}`)
      return dataStatus(months)
    },

    async 'reports:get'({ date, preset, referenceMonth }) {
      return reports.report(preset, date, { referenceMonth }).catch(reportError)
    },

    async 'reports:export-html'({ date, preset, referenceMonth }) {
      const report = await reports.report(preset, date, { referenceMonth }).catch(reportError)
      const html = await renderReportHtml({ report, title: `driftdesk ${preset} report, ${date}` })
      return { fileName: `driftdesk-report-${preset}-${date}.html`, html }
    },

    async 'suites:run'({ date, preset, referenceMonth }) {
      return reports.testSuite(preset, date, { referenceMonth }).catch(reportError)
    },

    async 'suites:export-html'({ date, preset, referenceMonth }) {
      const suite = await reports.testSuite(preset, date, { referenceMonth }).catch(reportError)
      const html = await renderReportHtml({
        suite,
        title: `driftdesk ${preset} test suite, ${date}`,
      })
      return { fileName: `driftdesk-test-suite-${preset}-${date}.html`, html }
    },
  } satisfies { [C in InvokeChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> }

  return {
    handlers,
    frameOrigins,
    async close() {
      jobs.cancelAll()
      // Cancelled jobs still write their last rows (a run's final state): close the database after them.
      if (!(await jobs.whenIdle(CLOSE_TIMEOUT_MS))) {
        log(`[panel] jobs still running after ${CLOSE_TIMEOUT_MS} ms; closing anyway`)
      }
      await connection.close()
    },
  }
}

/** Grafana's kiosk mode hides its own navigation inside the panel's frame. */
function withKiosk(url: string): string {
  const parsed = new URL(url)
  parsed.searchParams.set('kiosk', '')
  return parsed.toString()
}

function toDataProgress(event: TripFileProgress): DataFileProgress {
  const base = { month: event.month, fileName: event.fileName }
  switch (event.type) {
    case 'checking':
      return { ...base, phase: 'checking', bytesDone: 0, bytesTotal: null }
    case 'replacing':
      return { ...base, phase: 'replacing', bytesDone: 0, bytesTotal: null, message: event.problem }
    case 'downloading':
      return {
        ...base,
        phase: 'downloading',
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
      }
    case 'retrying':
      return {
        ...base,
        phase: 'retrying',
        bytesDone: event.resumeFromBytes,
        bytesTotal: null,
        message: `attempt ${event.attempt} of ${event.maxAttempts}: ${event.reason}`,
      }
    case 'ready':
      return { ...base, phase: 'ready', bytesDone: event.bytes, bytesTotal: event.bytes }
  }
}
