import { stat } from 'node:fs/promises'
import type { BackfillWorkerFactory } from '../../adapters/worker/backfill-worker-pool'
import { BackfillWorkerPool } from '../../adapters/worker/backfill-worker-pool'
import type { AppConfig } from '../../config/app-config'
import { ensureTrainedModel, modelPaths } from '../../services/model/model-service'
import type { ModelTrainingQueue } from '../../services/model/model-training-queue'
import type { ModelView } from '../../shared/ipc-contract'
import type { JobRegistry } from '../job-registry'
import { samplePredictedVsActual } from '../sample-predicted-vs-actual'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'
import type { MonthFileLocator } from './month-file'

export interface ModelHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  readonly monthFile: MonthFileLocator
  /** A bundled build's worker factory (electron-vite `?nodeWorker`); source runs use the default. */
  readonly createBackfillWorker?: BackfillWorkerFactory
  /** One training per reference month, a bounded number at once (issue 9). */
  readonly trainings: ModelTrainingQueue
}

const MAX_PLOT_POINTS = 2000

/** The reference month's model: show the saved one, train (or retrain) it as a job. */
export function createModelHandlers(deps: ModelHandlerDeps): ChannelHandlers<ChannelsOf<'model'>> {
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
    const file = await deps.monthFile(referenceMonth, signal)
    if (shouldTrain !== null) {
      // A second request for the same month shares the running training (never two threads writing
      // the same model files); a cancelled job stops waiting while the training ends for the others.
      const config = deps.config()
      await deps.trainings.run(
        referenceMonth,
        async () => {
          const pool = new BackfillWorkerPool(1, deps.createBackfillWorker)
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
        },
        signal,
      )
    }
    const trained = await ensureTrainedModel(deps.config(), referenceMonth, file)
    return {
      summary: trained.training.summary,
      predictedVsActual: samplePredictedVsActual(trained.training.reference, MAX_PLOT_POINTS),
    }
  }

  return {
    async 'model:get'({ referenceMonth }) {
      const saved = await stat(modelPaths(deps.config(), referenceMonth).model).catch(() => null)
      return saved === null ? null : modelView(referenceMonth, null)
    },

    async 'model:train'({ referenceMonth, force }) {
      const jobId = deps.jobs.start({ finished: 'model:finished' }, ({ signal }) =>
        modelView(referenceMonth, { force: force === true }, signal),
      )
      return { jobId }
    },

    async 'model:cancel'({ jobId }) {
      return { cancelled: deps.jobs.cancel(jobId) }
    },
  }
}
