import { stat } from 'node:fs/promises'
import type { AppConfig } from '../../config/app-config'
import { ensureTrainedModel, modelPaths } from '../../services/model/model-service'
import type { ModelView } from '../../shared/ipc-contract'
import type { JobRegistry } from '../job-registry'
import { samplePredictedVsActual } from '../sample-predicted-vs-actual'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'
import type { ModelTrainer } from './model-trainer'
import type { MonthFileLocator } from './month-file'

export interface ModelHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  readonly monthFile: MonthFileLocator
  /** Trains in a compute thread, one training per reference month (issue 9). */
  readonly train: ModelTrainer
}

const MAX_PLOT_POINTS = 2000

/** The reference month's model: show the saved one, train (or retrain) it as a job. */
export function createModelHandlers(deps: ModelHandlerDeps): ChannelHandlers<ChannelsOf<'model'>> {
  /**
   * The model of `referenceMonth` with a plot sample. Training runs in a compute thread (`train`), so the
   * process that serves the panel stays responsive; main then only loads the saved model and reference.
   */
  const modelView = async (
    referenceMonth: string,
    shouldTrain: { force: boolean } | null,
    signal?: AbortSignal,
  ): Promise<ModelView> => {
    const file = await deps.monthFile(referenceMonth, signal)
    if (shouldTrain !== null) {
      await deps.train(referenceMonth, { force: shouldTrain.force, signal })
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
