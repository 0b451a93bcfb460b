import { stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import type { BackfillWorkerFactory } from '../../adapters/worker/backfill-worker-pool'
import { BackfillWorkerPool } from '../../adapters/worker/backfill-worker-pool'
import type { AppConfig } from '../../config/app-config'
import type { TrainedModel } from '../../services/model/model-service'
import { ensureTrainedModel, modelPaths } from '../../services/model/model-service'
import { runTrainJob } from '../../services/pipeline/train-job'
import type { ModelView } from '../../shared/ipc-contract'
import type { DatabaseConnection } from '../database-connection'
import type { JobRegistry } from '../job-registry'
import { samplePredictedVsActual } from '../sample-predicted-vs-actual'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'
import type { MonthFileLocator } from './month-file'

export interface ModelHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  readonly monthFile: MonthFileLocator
  /** The panel's database: a training is recorded there as a `train` run, as the CLI's is. */
  readonly connection: DatabaseConnection
  /** A bundled build's worker factory (electron-vite `?nodeWorker`); source runs use the default. */
  readonly createBackfillWorker?: BackfillWorkerFactory
}

const MAX_PLOT_POINTS = 2000

/** The reference month's model: show the saved one, train (or retrain) it as a job. */
export function createModelHandlers(deps: ModelHandlerDeps): ChannelHandlers<ChannelsOf<'model'>> {
  /**
   * The model of `referenceMonth` with a plot sample. Training (Parquet decoding and least squares, a
   * second or more) runs in a compute worker like the backfill's, so the process that serves the panel
   * stays responsive; main then only loads the saved model and reference.
   */
  const trainInWorker = async (
    referenceMonth: string,
    file: string,
    { force }: { force: boolean },
  ): Promise<TrainedModel> => {
    const pool = new BackfillWorkerPool(1, deps.createBackfillWorker)
    try {
      await pool.load({
        config: deps.config(),
        referenceMonth,
        referenceFile: file,
        monthFile: file,
        startDate: `${referenceMonth}-01`,
        days: 1,
        retrain: force,
      })
    } finally {
      await pool.close()
    }
    return ensureTrainedModel(deps.config(), referenceMonth, file)
  }

  const viewOf = (trained: TrainedModel): ModelView => ({
    summary: trained.training.summary,
    predictedVsActual: samplePredictedVsActual(trained.training.reference, MAX_PLOT_POINTS),
  })

  /** Trains as a recorded `train` run (task, log, outcome), like `driftdesk train`. */
  const trainAsRun = async (
    referenceMonth: string,
    force: boolean,
    signal: AbortSignal,
  ): Promise<ModelView> => {
    const { store } = await deps.connection.get()
    let trained: TrainedModel | null = null
    const outcome = await runTrainJob(
      {
        config: deps.config(),
        store,
        locateMonthFile: (month) => deps.monthFile(month, signal),
        hostname: hostname(),
        pid: process.pid,
        trainModel: async (month, file, options) =>
          (trained = await trainInWorker(month, file, options)),
      },
      referenceMonth,
      { force },
    )
    if (outcome.failure !== null || trained === null) throw outcome.failure
    return viewOf(trained)
  }

  return {
    async 'model:get'({ referenceMonth }) {
      const saved = await stat(modelPaths(deps.config(), referenceMonth).model).catch(() => null)
      if (saved === null) return null
      const file = await deps.monthFile(referenceMonth)
      return viewOf(await ensureTrainedModel(deps.config(), referenceMonth, file))
    },

    async 'model:train'({ referenceMonth, force }) {
      const jobId = deps.jobs.start({ finished: 'model:finished' }, ({ signal }) =>
        trainAsRun(referenceMonth, force === true, signal),
      )
      return { jobId }
    },

    async 'model:cancel'({ jobId }) {
      return { cancelled: deps.jobs.cancel(jobId) }
    },
  }
}
