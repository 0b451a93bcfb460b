import type { BackfillWorkerFactory } from '../../adapters/worker/backfill-worker-pool'
import { BackfillWorkerPool } from '../../adapters/worker/backfill-worker-pool'
import type { AppConfig } from '../../config/app-config'
import type { ModelTrainingQueue } from '../../services/model/model-training-queue'
import type { MonthFileLocator } from './month-file'

/** Trains (or retrains) a reference month's model; resolves once it is saved. */
export type ModelTrainer = (
  referenceMonth: string,
  options?: { readonly force?: boolean; readonly signal?: AbortSignal },
) => Promise<void>

export interface ModelTrainerDeps {
  readonly config: () => AppConfig
  readonly monthFile: MonthFileLocator
  readonly trainings: ModelTrainingQueue
  /** A bundled build's worker factory (electron-vite `?nodeWorker`); source runs use the default. */
  readonly createBackfillWorker?: BackfillWorkerFactory
}

/**
 * The panel's one way to train: in a compute thread (Parquet decoding and least squares take a second or
 * more), through the training queue, so `model:train` jobs and reports that need a model share one
 * training per reference month instead of racing on its files (issue 9). A cancelled caller stops
 * waiting; the training ends for the others.
 */
export function createModelTrainer(deps: ModelTrainerDeps): ModelTrainer {
  return async (referenceMonth, options = {}) => {
    const file = await deps.monthFile(referenceMonth, options.signal)
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
            retrain: options.force === true,
          })
        } finally {
          await pool.close()
        }
      },
      options.signal,
    )
  }
}
