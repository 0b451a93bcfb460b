import { createHash, randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import process from 'node:process'
import { readTripFile } from '../../adapters/parquet/read-parquet-frame'
import type { AppConfig } from '../../config/app-config'
import type { Frame } from '../../core/data/frame'
import { takeRows } from '../../core/data/frame'
import {
  fitCartLossRegressor,
  loadCartLossRegressor,
} from '../../core/estimate/cart-loss-regressor'
import type { CourseDayEstimate } from '../../core/estimate/course-day-estimate'
import { estimateCourseDay } from '../../core/estimate/course-day-estimate'
import { courseLossReference } from '../../core/estimate/course-loss-reference'
import type { DirectLossEstimator } from '../../core/estimate/direct-loss-estimation'
import { fitDirectLossEstimator } from '../../core/estimate/direct-loss-estimation'
import type { EstimateDeviation } from '../../core/estimate/estimate-deviation'
import { estimateDeviation } from '../../core/estimate/estimate-deviation'
import type { LossRegressorFit } from '../../core/estimate/loss-regressor'
import type { TripDurationModel } from '../../core/model/trip-duration-model'
import { daysInMonth, splitDailyWindows } from '../../core/pipeline/daily-windows'
import { NumpyLegacyRandomState } from '../../core/random/numpy-legacy-random-state'
import { tripFileAdvice } from '../data/locate-trip-file'
import type { TrainedModel } from '../model/model-service'
import { ensureTrainedModel, modelPaths } from '../model/model-service'

/** The seed of the estimator's split and subsampling: a fixed seed makes every run give the same numbers. */
export const ESTIMATOR_SEED = 20220101

/** The course estimator, fitted for one reference month. */
export interface CourseEstimator {
  readonly referenceMonth: string
  readonly model: TripDurationModel
  readonly estimator: DirectLossEstimator
  /** Reference rows held out from the model's training that the estimator learned from. */
  readonly heldOutRows: number
  /** The course's own reference MAE (filtered trips after the first 30,000), for comparison. */
  readonly courseReferenceMae: number
  readonly fitMs: number
}

/**
 * Fits the course's Direct Loss Estimator for `referenceMonth`: the course model (trained, or loaded from
 * the home) and, as the nanny's reference, every trip of that month the model did not train on.
 *
 * @param fit the learner; without it the default (ml-cart, `DEFAULT_CART_LOSS_OPTIONS`), saved beside
 * the model and reused (see {@link ensureCourseEstimator})
 */
export async function fitCourseEstimator(
  config: AppConfig,
  referenceMonth: string,
  referenceFile: string,
  fit?: LossRegressorFit,
): Promise<CourseEstimator> {
  const trained = await ensureTrainedModel(config, referenceMonth, referenceFile)
  if (fit === undefined) return ensureCourseEstimator(config, trained, referenceFile)
  const raw = await readTripFile(
    referenceFile,
    tripFileAdvice(referenceFile, config, referenceMonth),
  )
  return fitCourseEstimatorFor(trained, raw, fit)
}

/** Bump when the estimator's method or settings change, so saved estimators are fitted again. */
const ESTIMATOR_VERSION = 'dle-1 (ml-cart depth 5, leaf 100, 4000 rows; calibration 0.3; z 1.96)'

/** The default estimator as saved beside the model (`models/<month>/estimator.json`). */
interface SavedEstimator {
  readonly format: 1
  readonly fingerprint: string
  readonly lossModel: unknown
  readonly varianceModel: unknown
  readonly referenceMae: number
  readonly fitRows: number
  readonly calibrationRows: number
  readonly lossModelRows: number
  readonly bandZ: number
  readonly heldOutRows: number
  readonly fitMs: number
}

/**
 * The default course estimator for a trained model: loaded from beside the model when it was fitted for
 * the same model (fingerprint) by the same estimator version, otherwise fitted (seconds of CPU: call it
 * off the main thread of the app) and saved. The fit is deterministic (fixed seed), so a loaded estimator
 * gives exactly the numbers a fresh fit would.
 */
export async function ensureCourseEstimator(
  config: AppConfig,
  trained: TrainedModel,
  referenceFile: string,
): Promise<CourseEstimator> {
  const referenceMonth = trained.training.summary.referenceMonth
  const path = join(modelPaths(config, referenceMonth).dir, 'estimator.json')
  const fingerprint = createHash('sha256')
    .update(`${trained.fingerprint}\n${ESTIMATOR_VERSION}\n${ESTIMATOR_SEED}`)
    .digest('hex')
  const saved = await readFile(path, 'utf8')
    .then((text) => JSON.parse(text) as SavedEstimator)
    .catch(() => null) // absent or unreadable: fit again
  if (saved?.format === 1 && saved.fingerprint === fingerprint) {
    return {
      referenceMonth,
      model: trained.training.model,
      estimator: {
        lossModel: loadCartLossRegressor(saved.lossModel),
        varianceModel: loadCartLossRegressor(saved.varianceModel),
        referenceMae: saved.referenceMae,
        fitRows: saved.fitRows,
        calibrationRows: saved.calibrationRows,
        lossModelRows: saved.lossModelRows,
        bandZ: saved.bandZ,
      },
      heldOutRows: saved.heldOutRows,
      courseReferenceMae: trained.training.summary.maeValidation,
      fitMs: saved.fitMs,
    }
  }
  const raw = await readTripFile(
    referenceFile,
    tripFileAdvice(referenceFile, config, referenceMonth),
  )
  const fitted = fitCourseEstimatorFor(trained, raw)
  const { estimator } = fitted
  const toSave: SavedEstimator = {
    format: 1,
    fingerprint,
    lossModel: estimator.lossModel.toJSON(),
    varianceModel: estimator.varianceModel.toJSON(),
    referenceMae: estimator.referenceMae,
    fitRows: estimator.fitRows,
    calibrationRows: estimator.calibrationRows,
    lossModelRows: estimator.lossModelRows,
    bandZ: estimator.bandZ,
    heldOutRows: fitted.heldOutRows,
    fitMs: fitted.fitMs,
  }
  // A unique temporary name, renamed over the target: two workers fitting at once both write whole files.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temporary, JSON.stringify(toSave))
  await rename(temporary, path).catch(async (error: unknown) => {
    await rm(temporary, { force: true })
    throw error
  })
  return fitted
}

/**
 * {@link fitCourseEstimator} for a model already at hand and its reference month's raw trips (the
 * backfill's worker has both). CPU-bound for seconds: call it off the main thread.
 */
export function fitCourseEstimatorFor(
  trained: TrainedModel,
  raw: Frame,
  fit: LossRegressorFit = fitCartLossRegressor(),
): CourseEstimator {
  const model = trained.training.model
  const started = performance.now()
  const reference = courseLossReference(raw, model)
  const state = new NumpyLegacyRandomState(ESTIMATOR_SEED)
  const estimator = fitDirectLossEstimator(reference, fit, { random: () => state.randomSample() })
  return {
    referenceMonth: trained.training.summary.referenceMonth,
    model,
    estimator,
    heldOutRows: reference.losses.length,
    courseReferenceMae: trained.training.summary.maeValidation,
    fitMs: performance.now() - started,
  }
}

/** A month of estimated vs realized daily MAE, and how far each estimate was off. */
export interface CourseMonthEstimate {
  readonly month: string
  readonly referenceMonth: string
  readonly heldOutRows: number
  readonly fitRows: number
  readonly calibrationRows: number
  readonly fitMs: number
  /** The naive estimate: the held-out reference's MAE (every trip, as the daily MAE counts them). */
  readonly referenceMae: number
  /** The course notebook's validation MAE (filtered trips only): a second, weaker naive estimate. */
  readonly courseReferenceMae: number
  readonly days: readonly (CourseDayEstimate & { readonly date: string })[]
  /** Against the naive estimate `referenceMae`. */
  readonly deviation: EstimateDeviation
  /** Against the course notebook's validation MAE. */
  readonly courseNaiveDeviation: number
}

/** Estimates every day of `month` with a fitted course estimator and compares with the realized MAE. */
export async function estimateCourseMonth(
  config: AppConfig,
  fitted: CourseEstimator,
  month: string,
  monthFile: string,
): Promise<CourseMonthEstimate> {
  const frame = await readTripFile(monthFile, tripFileAdvice(monthFile, config, month))
  const windows = splitDailyWindows(frame, `${month}-01`, daysInMonth(month))
  const days = windows
    .filter((window) => window.rows.length > 0)
    .map((window) => ({
      date: window.date,
      ...estimateCourseDay(fitted.estimator, fitted.model, takeRows(frame, window.rows)),
    }))
  const comparable = days.map((day) => ({
    estimate: day.estimatedMae,
    lower: day.lower,
    upper: day.upper,
    realized: day.realizedMae,
  }))
  return {
    month,
    referenceMonth: fitted.referenceMonth,
    heldOutRows: fitted.heldOutRows,
    fitRows: fitted.estimator.fitRows,
    calibrationRows: fitted.estimator.calibrationRows,
    fitMs: fitted.fitMs,
    referenceMae: fitted.estimator.referenceMae,
    courseReferenceMae: fitted.courseReferenceMae,
    days,
    deviation: estimateDeviation(comparable, fitted.estimator.referenceMae),
    courseNaiveDeviation: estimateDeviation(comparable, fitted.courseReferenceMae).naiveDeviation,
  }
}
