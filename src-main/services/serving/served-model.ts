import { readdir, readFile } from 'node:fs/promises'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { AppConfig } from '../../config/app-config'
import { ENGINE_VERSION } from '../../core/engine-version'
import type { TripDurationModel } from '../../core/model/trip-duration-model'
import { MODEL_FEATURES } from '../../core/pipeline/course-columns'
import { AppError } from '../../shared/errors'
import { modelPaths } from '../model/model-service'

/** The model a prediction service answers with, and the version every answer and log row carries. */
export interface ServedModel {
  readonly model: TripDurationModel
  readonly referenceMonth: string
  /** `<reference month>-<first 12 hex digits of the model's fingerprint>`, e.g. `2022-01-3f9a0c12d4e5`. */
  readonly version: string
}

/** The part of `train`'s model.json the service reads (see services/model/model-service.ts). */
const SavedModelFile = Type.Object({
  format: Type.Literal(1),
  engineVersion: Type.String(),
  referenceMonth: Type.String(),
  fingerprint: Type.String({ minLength: 12 }),
  model: Type.Object({
    coefficients: Type.Array(Type.Number()),
    intercept: Type.Number(),
    featureOrder: Type.Array(Type.String()),
  }),
})

const MONTH_FOLDER = /^\d{4}-\d{2}$/

/**
 * Loads the model `train` saved for `referenceMonth`, or the only saved one when no month is given.
 * The service refuses a model saved by another engine version: the backfill would retrain it, and the
 * service's predictions must stay equal to the backfill's.
 * @throws {AppError} MODEL_NOT_TRAINED saying which command trains it; INVALID_REQUEST when several
 *   months are saved and none was chosen.
 */
export async function loadServedModel(
  config: AppConfig,
  referenceMonth: string | undefined,
): Promise<ServedModel> {
  const month = referenceMonth ?? (await onlySavedMonth(config))
  const path = modelPaths(config, month).model
  const train = `npm run driftdesk -- train --reference-month ${month} --home ${config.homeDir}`
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new AppError(
      'MODEL_NOT_TRAINED',
      `No model trained on ${month} in ${config.modelsDir}; train it first: ${train}`,
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  if (!Value.Check(SavedModelFile, parsed)) {
    throw new AppError(
      'MODEL_NOT_TRAINED',
      `The saved model ${path} is damaged; train it again: ${train} --force`,
    )
  }
  if (parsed.engineVersion !== ENGINE_VERSION) {
    throw new AppError(
      'MODEL_NOT_TRAINED',
      `The saved model ${path} was trained by another driftdesk engine; train it again: ${train}`,
    )
  }
  const { model } = parsed
  if (
    model.featureOrder.join() !== MODEL_FEATURES.join() ||
    model.coefficients.length !== model.featureOrder.length
  ) {
    throw new AppError(
      'MODEL_NOT_TRAINED',
      `The saved model ${path} does not use the course's features (${MODEL_FEATURES.join(', ')}); train it again: ${train} --force`,
    )
  }
  return {
    model,
    referenceMonth: parsed.referenceMonth,
    version: `${parsed.referenceMonth}-${parsed.fingerprint.slice(0, 12)}`,
  }
}

async function onlySavedMonth(config: AppConfig): Promise<string> {
  const months = (await readdir(config.modelsDir).catch(() => [] as string[]))
    .filter((name) => MONTH_FOLDER.test(name))
    .sort()
  if (months.length === 1) return months[0] as string
  if (months.length === 0) {
    throw new AppError(
      'MODEL_NOT_TRAINED',
      `No trained model in ${config.modelsDir}; train one first: npm run driftdesk -- train --reference-month 2022-01 --home ${config.homeDir}`,
    )
  }
  throw new AppError(
    'INVALID_REQUEST',
    `Several trained models in ${config.modelsDir} (${months.join(', ')}); choose one with --reference-month.`,
  )
}
