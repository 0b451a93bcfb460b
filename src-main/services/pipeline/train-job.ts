import { randomUUID } from 'node:crypto'
import type { AppConfig } from '../../config/app-config'
import type { ModelSummary } from '../../shared/domain/metrics'
import type { RunRecord } from '../../shared/domain/runs'
import type { TrainedModel } from '../model/model-service'
import { ensureTrainedModel } from '../model/model-service'
import { finishRun } from './finish-run'
import { RunEvents } from './run-events'
import { startRunLiveness } from './run-liveness'
import { RunLogger } from './run-logger'
import type { RunStore } from './run-store'

export interface TrainJobDependencies {
  readonly config: AppConfig
  readonly store: RunStore
  readonly locateMonthFile: (month: string) => Promise<string>
  readonly hostname: string
  readonly pid: number
  /**
   * Trains or loads the model. Default: `ensureTrainedModel` on the calling thread (the CLI); the panel
   * trains in a compute worker so the process that serves it stays responsive.
   */
  readonly trainModel?: (
    referenceMonth: string,
    referenceFile: string,
    options: { force: boolean },
  ) => Promise<TrainedModel>
}

/**
 * The `train` job as a run: trains (or loads, unless `force`) the course's model on a reference month
 * and records a run with one task (`train:YYYY-MM`), its log and its outcome. Training runs on the
 * calling thread unless `deps.trainModel` says otherwise: the CLI has no UI to keep responsive; the panel
 * trains in a worker. `failure` is what made the run fail (null when it completed), so a front door can
 * pass its code on.
 */
export async function runTrainJob(
  deps: TrainJobDependencies,
  referenceMonth: string,
  options: { force: boolean; events?: RunEvents },
): Promise<{
  run: RunRecord
  summary: ModelSummary | null
  trainedNow: boolean
  failure: unknown
}> {
  const { store } = deps
  const events = options.events ?? new RunEvents()
  const runId = randomUUID()
  const taskId = randomUUID()
  const taskKey = `train:${referenceMonth}`
  await store.createRun({
    id: runId,
    job: 'train',
    parameters: { referenceMonth, force: options.force },
    state: 'Pending',
    pid: deps.pid,
    hostname: deps.hostname,
  })
  const logger = new RunLogger(store, events, runId)
  events.emit({ type: 'run-started', runId, job: 'train', totalTasks: 1 })
  await store.setRunState(runId, 'Running')
  const releaseLiveness = startRunLiveness(store, runId)
  await store.saveTask({ id: taskId, runId, taskKey, state: 'Running', attempts: 1 })
  let summary: ModelSummary | null = null
  let trainedNow = false
  let failure: unknown = null
  try {
    const file = await deps.locateMonthFile(referenceMonth)
    const trained = await (deps.trainModel === undefined
      ? ensureTrainedModel(deps.config, referenceMonth, file, { force: options.force })
      : deps.trainModel(referenceMonth, file, { force: options.force }))
    summary = trained.training.summary
    trainedNow = trained.trainedNow
    logger.log(
      'info',
      `${trainedNow ? 'Trained' : 'Loaded the saved'} model on ${referenceMonth}: ${summary.trainRows} train rows, ${summary.referenceRows} reference rows, MAE train ${summary.maeTrain.toFixed(4)}, validation ${summary.maeValidation.toFixed(4)}.`,
    )
    await store.saveTask({
      id: taskId,
      runId,
      taskKey,
      state: 'Completed',
      attempts: 1,
      inputsFingerprint: trained.fingerprint,
    })
    await logger.flushed()
    await finishRun(store, runId, {
      state: 'Completed',
      message: trainedNow ? 'Trained.' : 'A matching saved model was loaded.',
    })
  } catch (error) {
    failure = error
    const message = error instanceof Error ? error.message : String(error)
    logger.log('error', message)
    await store.saveTask({
      id: taskId,
      runId,
      taskKey,
      state: 'Failed',
      attempts: 1,
      error: message,
    })
    await logger.flushed()
    await finishRun(store, runId, { state: 'Failed', message })
  } finally {
    releaseLiveness()
  }
  const run = (await store.getRun(runId)) as RunRecord
  events.emit({ type: 'run-finished', runId, state: run.state, message: run.stateMessage })
  return { run, summary, trainedNow, failure }
}
