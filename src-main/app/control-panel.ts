import { stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import type { BackfillWorkerFactory } from '../adapters/worker/backfill-worker-pool'
import {
  defaultProjectWorkerCount,
  type ProjectBackfillWorkerFactory,
} from '../adapters/worker/project-backfill-worker-pool'
import { BackfillWorkerPool, defaultWorkerCount } from '../adapters/worker/backfill-worker-pool'
import type { ReportWorkerFactory } from '../adapters/worker/report-worker-pool'
import { ReportWorkerPool } from '../adapters/worker/report-worker-pool'
import { isProcessAlive } from '../adapters/process/is-process-alive'
import type { AppConfig } from '../config/app-config'
import { loadConfig } from '../config/app-config'
import { tripFileLocation } from '../services/data/locate-trip-file'
import { locateOrDownloadMonthFile } from '../services/data/locate-or-download-month-file'
import { modelPaths } from '../services/model/model-service'
import { ModelTrainingQueue } from '../services/model/model-training-queue'
import { BackfillService } from '../services/pipeline/backfill-service'
import type { StackAssetPaths } from '../services/stack/create-stack-service'
import { createStackService, repositoryAssetPaths } from '../services/stack/create-stack-service'
import { alertingProvisioningDir } from '../services/live/alert-rules'
import type { CliEntry } from '../services/live/live-commands'
import { sourceCliEntry } from '../services/live/live-commands'
import type { StackService } from '../services/stack/stack-service'
import type { PanelMode } from '../shared/ipc-contract'
import { DatabaseConnection } from './database-connection'
import type { InvokeHandlers } from './dispatch-request'
import type { EventSink } from './event-sink'
import { createConfigHandlers } from './handlers/config-handlers'
import { createDataHandlers } from './handlers/data-handlers'
import { createLiveHandlers } from './handlers/live-handlers'
import { JobSlot } from './handlers/job-slot'
import { createModelHandlers } from './handlers/model-handlers'
import { createModelTrainer } from './handlers/model-trainer'
import type { MonthFileLocator } from './handlers/month-file'
import { createPipelineHandlers } from './handlers/pipeline-handlers'
import { createProjectHandlers, loadProjectTask } from './handlers/project-handlers'
import { createReportHandlers } from './handlers/report-handlers'
import { createExplainHandlers } from './handlers/explain-handlers'
import { createRunsHandlers } from './handlers/runs-handlers'
import { createStackHandlers } from './handlers/stack-handlers'
import { StackUrlCache } from './handlers/stack-url-cache'
import { JobRegistry } from './job-registry'
import { readPanelSettings, writePanelSettings } from './panel-settings'

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
  /** Electron's file picker for a project's reference or current data; browser mode has none. */
  readonly chooseFiles?: (side: 'reference' | 'current') => Promise<readonly string[] | null>
  /** A bundled build's worker factory (electron-vite `?nodeWorker`); source runs use the default. */
  readonly createBackfillWorker?: BackfillWorkerFactory
  /** The same for the report thread. */
  readonly createReportWorker?: ReportWorkerFactory
  /** The same for an own project's backfill threads. */
  readonly createProjectBackfillWorker?: ProjectBackfillWorkerFactory
  /** Where Grafana's provisioning and the dashboards are; default: the repository's folders (source runs). */
  readonly stackAssets?: StackAssetPaths
  /**
   * How the Live view runs `driftdesk serve|replay|collect` as child processes (default: this
   * checkout's `node --import tsx src-main/cli/main.ts`).
   */
  readonly cliEntry?: CliEntry
  /** Compute threads per backfill (default: one per core; an own project's, one fewer). */
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

/** How long closing waits for cancelled jobs to end before closing the database under them. */
const CLOSE_TIMEOUT_MS = 10_000

/**
 * Composes the services the control panel's contract calls — trip data, model, backfill runs, reports
 * and test suites, the container stack — independent of the transport: Electron IPC and the browser-mode
 * WebSocket both register `handlers` and forward `sink` events. Each domain's channels live in their own
 * module under `handlers/` and take their services as arguments; this root only builds the services,
 * holds the state several domains share (the data folder, the running backfill) and assembles the slices.
 * Long jobs go through one JobRegistry.
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
  // Reports and test suites are computed on their own thread, so this one keeps serving (issue 9).
  const reports = new ReportWorkerPool(1, options.createReportWorker)
  const currentConfig = (): AppConfig => config
  const jobs = new JobRegistry(options.sink)
  const stack: StackService = createStackService(config, options.env, options.stackAssets)
  const connection = new DatabaseConnection(currentConfig, () => stack.databaseUrl())
  const stackUrls = new StackUrlCache(stack)
  await stackUrls.refresh()
  const backfillSlot = new JobSlot()
  const trainings = new ModelTrainingQueue()

  const monthFile: MonthFileLocator = (month, signal, dataDir = config.dataDir) =>
    locateOrDownloadMonthFile({ ...config, dataDir }, month, signal === undefined ? {} : { signal })

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

  const train = createModelTrainer({
    config: currentConfig,
    monthFile,
    trainings,
    createBackfillWorker: options.createBackfillWorker,
  })
  /**
   * A report's reference month without a saved model is trained first, through the same queue. Only
   * when the request can be answered: a reference month not before the day, or a file not on disk, is
   * left to the report thread's own clear error (a report never starts a download).
   */
  const ensureModel = async (referenceMonth: string, date: string): Promise<void> => {
    if (referenceMonth >= date.slice(0, 7)) return
    const saved = await stat(modelPaths(config, referenceMonth).model).catch(() => null)
    if (saved !== null) return
    const source = await stat(tripFileLocation(config, referenceMonth).path).catch(() => null)
    if (source?.isFile() === true) await train(referenceMonth)
  }

  const useDataDir = async (dataDir: string | null): Promise<void> => {
    settings = { ...settings, dataDir }
    await writePanelSettings(baseConfig.homeDir, settings)
    config = withDataDir(dataDir)
    log(`[panel] trip files now read from ${config.dataDir ?? config.cacheDir}`)
  }

  const handlers: InvokeHandlers = {
    ...createConfigHandlers({
      mode: options.mode,
      version: options.version,
      config: currentConfig,
      stack,
      stackUrls,
      connection,
      jobs,
    }),
    ...createDataHandlers({
      config: currentConfig,
      jobs,
      chooseFolder: options.chooseFolder,
      useDataDir,
    }),
    ...createModelHandlers({
      config: currentConfig,
      jobs,
      monthFile,
      connection,
      train,
    }),
    ...createPipelineHandlers({
      config: currentConfig,
      jobs,
      backfillSlot,
      backfillService,
      workers: () => options.workers ?? defaultWorkerCount(),
      projectWorkers: () => options.workers ?? defaultProjectWorkerCount(),
      connection: () => connection.get(),
      ...(options.createProjectBackfillWorker === undefined
        ? {}
        : { createProjectBackfillWorker: options.createProjectBackfillWorker }),
    }),
    ...createRunsHandlers({ connection }),
    ...createStackHandlers({
      config: currentConfig,
      jobs,
      stack,
      stackUrls,
      connection,
      backfillSlot,
    }),
    ...createLiveHandlers({
      config: currentConfig,
      jobs,
      connection,
      cli: options.cliEntry ?? sourceCliEntry(),
      env: options.env,
      alertingDir: alertingProvisioningDir(
        (options.stackAssets ?? repositoryAssetPaths()).resourcesDir,
      ),
    }),
    ...createReportHandlers({
      config: currentConfig,
      reports,
      ensureModel,
      projectTask: (name) => loadProjectTask(connection, name),
    }),
    ...createProjectHandlers({
      config: currentConfig,
      connection,
      reports,
      ...(options.chooseFiles === undefined ? {} : { chooseFiles: options.chooseFiles }),
    }),
    ...createExplainHandlers({ config: currentConfig, reports, ensureModel }),
  }

  return {
    handlers,
    frameOrigins: () => stackUrls.frameOrigins(),
    async close() {
      jobs.cancelAll()
      // Cancelled jobs still write their last rows (a run's final state): close the database after them.
      if (!(await jobs.whenIdle(CLOSE_TIMEOUT_MS))) {
        log(`[panel] jobs still running after ${CLOSE_TIMEOUT_MS} ms; closing anyway`)
      }
      await reports.close()
      await connection.close()
    },
  }
}
