import { stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import type { AppConfig } from '../../config/app-config'
import type { TrainedModel } from '../../services/model/model-service'
import { ensureTrainedModel, modelPaths } from '../../services/model/model-service'
import { runTrainJob } from '../../services/pipeline/train-job'
import type { ModelView } from '../../shared/ipc-contract'
import type { DatabaseConnection } from '../database-connection'
import type { JobRegistry } from '../job-registry'
import { samplePredictedVsActual } from '../sample-predicted-vs-actual'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'
import type { ModelTrainer } from './model-trainer'
import type { MonthFileLocator } from './month-file'

export interface ModelHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  readonly monthFile: MonthFileLocator
  /** The panel's database: a training is recorded there as a `train` run, as the CLI's is. */
  readonly connection: DatabaseConnection
  /** Trains in a compute thread, one training per reference month (issue 9). */
  readonly train: ModelTrainer
}

const MAX_PLOT_POINTS = 2000

/** The reference month's model: show the saved one, train (or retrain) it as a job. */
export function createModelHandlers(deps: ModelHandlerDeps): ChannelHandlers<ChannelsOf<'model'>> {
  const viewOf = (trained: TrainedModel): ModelView => ({
    summary: trained.training.summary,
    predictedVsActual: samplePredictedVsActual(trained.training.reference, MAX_PLOT_POINTS),
  })

  /**
   * Trains as a recorded `train` run (task, log, outcome), like `driftdesk train`. The training itself runs
   * in a compute thread through the training queue (`train`), so the process that serves the panel stays
   * responsive and concurrent requests for one month share one training; main then only loads the saved
   * model and reference.
   */
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
        trainModel: async (month, file, options) => {
          await deps.train(month, { force: options.force, signal })
          trained = await ensureTrainedModel(deps.config(), month, file)
          return trained
        },
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
