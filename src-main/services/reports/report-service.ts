import { join } from 'node:path'
import { readTripFile } from '../../adapters/parquet/read-parquet-frame'
import type { AppConfig } from '../../config/app-config'
import type { Frame } from '../../core/data/frame'
import { takeRows, withColumn } from '../../core/data/frame'
import { predictTripDurations } from '../../core/model/trip-duration-model'
import { PREDICTION_COLUMN, TARGET_COLUMN } from '../../core/pipeline/course-columns'
import { parseIsoDate, splitDailyWindows } from '../../core/pipeline/daily-windows'
import { tripDurationsMinutes } from '../../core/pipeline/trip-durations'
import type { ReportOptions } from '../../core/reports/build-report'
import { buildReport } from '../../core/reports/build-report'
import { courseDriftMapping, courseQualityMapping } from '../../core/reports/column-mapping'
import type { ReferenceProfile } from '../../core/reports/reference-profile'
import { createReferenceProfile } from '../../core/reports/reference-profile'
import type { TestSuiteOptions } from '../../core/suites/build-test-suite'
import { buildTestSuite } from '../../core/suites/build-test-suite'
import type {
  ReportContextInfo,
  ReportDocument,
  ReportPresetName,
  TestSuiteDocument,
  TestSuitePresetName,
} from '../../shared/domain/reports'
import { tripFileAdvice } from '../data/locate-trip-file'
import { tripFileName } from '../data/trip-file-name'
import { ensureTrainedModel } from '../model/model-service'

/** The model's reference month and the two profiles of its reference data. */
interface LoadedReference {
  readonly referenceMonth: string
  readonly model: Parameters<typeof predictTripDurations>[0]
  /** The course mapping without a target: drift presets (matches the course report). */
  readonly drift: ReferenceProfile
  /** The course mapping with `duration_min` as target: quality, stability and regression presets. */
  readonly quality: ReferenceProfile
}

/** One day's data ready for a report: the current frame (raw columns + prediction + duration) and the reference. */
export interface LoadedDay {
  readonly date: string
  readonly current: Frame
  readonly reference: LoadedReference
}

/** Why a report could not be produced; the message names what and how to fix it. */
export class ReportRequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReportRequestError'
  }
}

/**
 * Reports and test suites for one day of trips (the course's `Report(DataDriftPreset)` /
 * `TestSuite(DataDriftTestPreset)` debugging step), over the same model and reference the backfill uses.
 * Reference profiles are kept per reference month, so successive days only pay for their current data.
 */
export class ReportService {
  private readonly references = new Map<string, Promise<LoadedReference>>()
  private readonly months = new Map<string, Promise<Frame>>()

  constructor(private readonly config: AppConfig) {}

  /** The Evidently-shaped report of `preset` for `date`. */
  async report(
    preset: ReportPresetName,
    date: string,
    options: ReportOptions & { referenceMonth?: string } = {},
  ): Promise<ReportDocument> {
    const day = await this.loadDay(date, options.referenceMonth)
    const profile =
      preset === 'data-drift' || preset === 'course' ? day.reference.drift : day.reference.quality
    const document = buildReport(preset, profile, day.current, options)
    return { ...document, context: contextOf(day, `report:${preset}`, profile) }
  }

  /** The Evidently-shaped test suite of `preset` for `date`. */
  async testSuite(
    preset: TestSuitePresetName,
    date: string,
    options: TestSuiteOptions & { referenceMonth?: string } = {},
  ): Promise<TestSuiteDocument> {
    const day = await this.loadDay(date, options.referenceMonth)
    const usesTarget =
      preset === 'regression' || preset === 'data-quality' || preset === 'data-stability'
    const profile = usesTarget ? day.reference.quality : day.reference.drift
    const document = buildTestSuite(preset, profile, day.current, options)
    return { ...document, context: contextOf(day, `test-suite:${preset}`, profile) }
  }

  /**
   * The day's current frame: rows of the date's month file with `date <= pickup < date + 1 day`, plus
   * `prediction` (the reference month's model, nulls as 0) and `duration_min` (known after the trip).
   * @throws {ReportRequestError} on a bad date, a reference month not before the date, or a day without trips.
   */
  async loadDay(date: string, referenceMonth?: string): Promise<LoadedDay> {
    try {
      parseIsoDate(date)
    } catch (error) {
      throw new ReportRequestError((error as Error).message)
    }
    const month = date.slice(0, 7)
    const chosenReference = referenceMonth ?? previousMonth(month)
    if (chosenReference >= month) {
      throw new ReportRequestError(
        `The reference month ${chosenReference} must come before ${month}, the month of ${date}: pass an earlier --reference-month.`,
      )
    }
    const reference = await this.loadReference(chosenReference)
    const frame = await this.loadMonth(month)
    const [window] = splitDailyWindows(frame, date, 1)
    if (window === undefined || window.rows.length === 0) {
      throw new ReportRequestError(
        `No trips were picked up on ${date} in ${tripFileName(month)}; choose a day the file covers.`,
      )
    }
    const raw = takeRows(frame, window.rows)
    const withPrediction = withColumn(raw, PREDICTION_COLUMN, {
      kind: 'float64',
      values: predictTripDurations(reference.model, raw),
      valid: null,
    })
    const current = withColumn(withPrediction, TARGET_COLUMN, tripDurationsMinutes(raw))
    return { date, current, reference }
  }

  /** The user's data folder, else the download cache (where `driftdesk fetch` puts the TLC files). */
  private dataDir(): string {
    return this.config.dataDir ?? this.config.cacheDir
  }

  private loadMonth(month: string): Promise<Frame> {
    let pending = this.months.get(month)
    if (pending === undefined) {
      const path = join(this.dataDir(), tripFileName(month))
      pending = readTripFile(path, tripFileAdvice(path, this.config, month))
      pending.catch(() => this.months.delete(month))
      this.months.set(month, pending)
    }
    return pending
  }

  private loadReference(referenceMonth: string): Promise<LoadedReference> {
    let pending = this.references.get(referenceMonth)
    if (pending === undefined) {
      pending = (async () => {
        const file = join(this.dataDir(), tripFileName(referenceMonth))
        const trained = await ensureTrainedModel(this.config, referenceMonth, file)
        const reference = trained.training.reference
        return {
          referenceMonth,
          model: trained.training.model,
          drift: createReferenceProfile(reference, courseDriftMapping),
          quality: createReferenceProfile(reference, courseQualityMapping),
        }
      })()
      pending.catch(() => this.references.delete(referenceMonth))
      this.references.set(referenceMonth, pending)
    }
    return pending
  }
}

function contextOf(day: LoadedDay, preset: string, profile: ReferenceProfile): ReportContextInfo {
  return {
    date: day.date,
    referenceMonth: day.reference.referenceMonth,
    preset,
    currentRows: day.current.rowCount,
    referenceRows: profile.frame.rowCount,
    generatedBy: 'driftdesk',
  }
}

/** `2022-02` → `2022-01`; `2022-01` → `2021-12`. */
export function previousMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number]
  const previous = new Date(Date.UTC(year, monthNumber - 2, 1))
  return previous.toISOString().slice(0, 7)
}
