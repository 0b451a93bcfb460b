import type { Frame } from '../../core/data/frame'
import { takeRows } from '../../core/data/frame'
import { courseExplainSpec } from '../../core/explain/course-explain-spec'
import type { ExplainReference, ExplainSpec } from '../../core/explain/explain-window'
import { explainWindow, prepareExplainReference } from '../../core/explain/explain-window'
import type { NamedLinearModel } from '../../core/explain/mean-prediction-shift'
import { rowContributions } from '../../core/explain/row-contributions'
import type { ProjectFile } from '../../core/project/project-schema'
import type { ExplainResult, SegmentBy } from '../../shared/domain/explain'
import type { OwnDataRequest, WindowOutcome } from '../reports/own-data-reports'
import { loadOwnData } from '../reports/own-data-reports'
import type { ReportService } from '../reports/report-service'
import { ReportRequestError } from '../reports/report-service'

/** What a user may choose about an explanation. */
export interface ExplainOptions {
  readonly referenceMonth?: string
  /** The column to segment by (course default: the pickup time by hour); null for no segments. */
  readonly segment?: string | null
  readonly segmentBy?: SegmentBy
  /** Row indexes of the window whose predictions to explain one by one. */
  readonly rows?: readonly number[]
}

export type { ExplainResult }

/**
 * Why a window's prediction moved, its outliers and its segments (issue #13), for the course (a day of
 * the TLC files, the trained model's own coefficients) and for a learner's project (its windows; its
 * linear coefficients if the project file gives them, else a surrogate marked as an estimate).
 * Reference preparations are cached per reference month and segment choice.
 */
export class ExplainService {
  private readonly references = new Map<string, ExplainReference>()

  constructor(private readonly reports: ReportService) {}

  /** The course's explanation of one day. @throws {ReportRequestError} on a bad date or column. */
  async explainCourseDay(date: string, options: ExplainOptions = {}): Promise<ExplainResult> {
    const day = await this.reports.loadDay(date, options.referenceMonth)
    const key = `${day.reference.referenceMonth}\n${options.segment ?? ''}\n${options.segmentBy ?? ''}`
    let reference = this.references.get(key)
    if (reference === undefined) {
      const spec = courseExplainSpec(day.reference.model, {
        ...(options.segment === undefined ? {} : { column: options.segment }),
        ...(options.segmentBy === undefined ? {} : { by: options.segmentBy }),
      })
      reference = asRequestError(() => prepareExplainReference(day.reference.quality.frame, spec))
      this.references.set(key, reference)
    }
    return explainFrame(reference, day.current, date, options.rows ?? [])
  }

  /**
   * Every window of a learner's project explained (an empty window is an outcome with an error).
   * @throws {ReportRequestError} when the project has no prediction column or a named column is missing.
   */
  async explainProject(
    definition: ProjectFile,
    request: OwnDataRequest,
    options: ExplainOptions = {},
  ): Promise<WindowOutcome<ExplainResult>[]> {
    const data = await loadOwnData(request)
    const spec = projectExplainSpec(definition, data.mapping, options)
    const reference = asRequestError(() => prepareExplainReference(data.profile.frame, spec))
    return data.windows.map((window) => {
      const base = {
        window: window.label,
        start: window.start,
        endExclusive: window.endExclusive,
        currentRows: window.rows.length,
      }
      if (window.rows.length === 0)
        return {
          ...base,
          error: `The window ${window.label} has no current rows; nothing to explain.`,
        }
      const current =
        window.rows.length === data.current.rowCount
          ? data.current
          : takeRows(data.current, window.rows)
      try {
        return {
          ...base,
          document: explainFrame(reference, current, window.label, options.rows ?? []),
        }
      } catch (error) {
        if (error instanceof ReportRequestError) return { ...base, error: error.message }
        throw error
      }
    })
  }
}

/** A project's explanation spec from its mapping and the optional `explain` section of its file. */
export function projectExplainSpec(
  definition: ProjectFile,
  mapping: { prediction?: string; target?: string; numericalFeatures: readonly string[] },
  options: ExplainOptions = {},
): ExplainSpec {
  if (mapping.prediction === undefined)
    throw new ReportRequestError(
      `The project '${definition.name}' has no prediction column: set mapping.prediction in its file to explain its predictions.`,
    )
  const explain = definition.explain ?? {}
  let model: NamedLinearModel | null = null
  if (explain.linear_model !== undefined) {
    const featureOrder = Object.keys(explain.linear_model.coefficients)
    model = {
      featureOrder,
      coefficients: featureOrder.map((name) => explain.linear_model!.coefficients[name] as number),
      intercept: explain.linear_model.intercept,
    }
  }
  const segment = options.segment === undefined ? (explain.segment_column ?? null) : options.segment
  return {
    project: definition.name,
    predictionColumn: mapping.prediction,
    targetColumn: mapping.target ?? null,
    numericalFeatures: mapping.numericalFeatures.filter((name) => name !== mapping.prediction),
    model,
    segmentColumn: segment,
    ...(options.segmentBy === undefined ? {} : { segmentBy: options.segmentBy }),
    sensitiveColumn: explain.sensitive_column ?? null,
  }
}

function explainFrame(
  reference: ExplainReference,
  current: Frame,
  window: string,
  rows: readonly number[],
): ExplainResult {
  return asRequestError(() => {
    const document = explainWindow(reference, current, window)
    const predictions = current.columns[reference.spec.predictionColumn]
    const explained =
      rows.length === 0 ||
      reference.shift === null ||
      predictions === undefined ||
      !('valid' in predictions)
        ? []
        : rowContributions(reference.shift, current, rows, predictions.values)
    return { document, rows: explained }
  })
}

/** The core's RangeError (a missing column, a row outside the window) as a request error the user can act on. */
function asRequestError<T>(compute: () => T): T {
  try {
    return compute()
  } catch (error) {
    if (error instanceof RangeError) throw new ReportRequestError(error.message)
    throw error
  }
}
