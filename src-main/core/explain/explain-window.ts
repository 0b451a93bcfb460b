import type { ExplainDocument, SegmentBy, SegmentTable } from '../../shared/domain/explain'
import type { Frame } from '../data/frame'
import { getColumn, getNumericColumn, isNullAt } from '../data/frame'
import type { ReferenceOutlierProfile } from '../outliers/column-outliers'
import { columnOutliers, referenceOutlierProfile } from '../outliers/column-outliers'
import { mostExtremeRows } from '../outliers/extreme-rows'
import type { SegmentRanking } from '../segments/segment-keys'
import {
  applySegmentRanking,
  defaultSegmentBy,
  rankSegments,
  segmentLabels,
} from '../segments/segment-keys'
import type { ReferenceSegment } from '../segments/segment-metrics'
import { prepareReferenceSegments, segmentMetricsAgainst } from '../segments/segment-metrics'
import { errorGap, minimumSegmentRows, worstSegment } from '../segments/worst-segment'
import { evaluateOutlierShareTest } from '../suites/outlier-tests'
import type { NamedLinearModel, ReferenceFeatureMeans } from './mean-prediction-shift'
import { explainMeanPredictionShift, referenceFeatureMeans } from './mean-prediction-shift'
import { fitSurrogateLinearModel } from './surrogate-linear-model'

/** What to explain and how: the roles of the columns and the optional segment and sensitive columns. */
export interface ExplainSpec {
  readonly project: string
  readonly predictionColumn: string
  /** The actual outcome; null when the project has none. */
  readonly targetColumn: string | null
  readonly numericalFeatures: readonly string[]
  /** The model's own coefficients when driftdesk knows them; null → a surrogate (an estimate). */
  readonly model: NamedLinearModel | null
  /** Columns shown beside each extreme row (defaults: features, prediction, target). */
  readonly showColumns?: readonly string[]
  readonly segmentColumn?: string | null
  readonly segmentBy?: SegmentBy
  /** The most segments a categorical column may make (the rest become `(other)`); 24 keeps hours whole. */
  readonly maxSegments?: number
  readonly sensitiveColumn?: string | null
  readonly extremeRowLimit?: number
}

/** The reference side of every explanation, prepared once and reused for every window. */
export interface ExplainReference {
  readonly spec: ExplainSpec
  readonly rows: number
  readonly shift: ReferenceFeatureMeans | null
  readonly surrogateR2: number | null
  readonly shiftUnavailable?: string
  readonly outlierProfiles: readonly ReferenceOutlierProfile[]
  /** The reference side of the segment and sensitive columns, prepared once (labels, ranking, groups). */
  readonly segmentReferences: Readonly<Record<string, SegmentReference>>
  readonly frame: Frame
}

/** One segment column's reference side. */
export interface SegmentReference {
  readonly column: string
  readonly by: SegmentBy
  readonly ranking: SegmentRanking
  readonly groups: ReadonlyMap<string, ReferenceSegment>
}

/**
 * Prepares the reference: feature means for the shift (the model's coefficients, or a surrogate fitted on
 * the reference's predictions), outlier fences per numerical column, and the frame for segments.
 * @throws {RangeError} when the prediction or a feature column is missing.
 */
export function prepareExplainReference(reference: Frame, spec: ExplainSpec): ExplainReference {
  const predictions = numericValuesOrNaN(reference, spec.predictionColumn)
  let shift: ReferenceFeatureMeans | null = null
  let surrogateR2: number | null = null
  let shiftUnavailable: string | undefined
  if (spec.model !== null) {
    shift = referenceFeatureMeans(spec.model, reference, predictions)
  } else if (spec.numericalFeatures.length === 0) {
    shiftUnavailable = 'The project has no numerical features to attribute the prediction to.'
  } else {
    const usable = predictions.every((p) => !Number.isNaN(p))
    if (!usable) {
      shiftUnavailable = `The reference's ${spec.predictionColumn} has missing values; a surrogate cannot be fitted.`
    } else if (reference.rowCount < spec.numericalFeatures.length + 2) {
      shiftUnavailable = `The reference has too few rows (${reference.rowCount}) to fit a surrogate of ${spec.numericalFeatures.length} features.`
    } else {
      const surrogate = fitSurrogateLinearModel(reference, spec.numericalFeatures, predictions)
      shift = referenceFeatureMeans(surrogate.model, reference, predictions)
      surrogateR2 = surrogate.r2
    }
  }
  const outlierColumns = [
    ...spec.numericalFeatures,
    spec.predictionColumn,
    ...(spec.targetColumn === null ? [] : [spec.targetColumn]),
  ]
  const outlierProfiles = outlierColumns.flatMap((name) => {
    const column = getNumericColumn(reference, name)
    const hasValue = Array.from({ length: reference.rowCount }).some((_, i) => !isNullAt(column, i))
    return hasValue ? [referenceOutlierProfile(name, column)] : []
  })
  const segmentReferences: Record<string, SegmentReference> = {}
  const targets = targetValues(reference, spec)
  const segmentColumns: [string | null | undefined, SegmentBy | undefined][] = [
    [spec.segmentColumn, spec.segmentBy],
    [spec.sensitiveColumn, 'value'],
  ]
  for (const [column, by] of segmentColumns) {
    if (column == null) continue
    const referenceColumn = getColumn(reference, column)
    const chosen = by ?? defaultSegmentBy(referenceColumn)
    const ranking = rankSegments(
      segmentLabels(referenceColumn, chosen),
      spec.maxSegments ?? 24,
      chosen,
    )
    const labels = applySegmentRanking(ranking, segmentLabels(referenceColumn, chosen)).labels
    segmentReferences[`${column}\n${chosen}`] = {
      column,
      by: chosen,
      ranking,
      groups: prepareReferenceSegments({ labels, predictions, targets }),
    }
  }
  return {
    spec,
    rows: reference.rowCount,
    segmentReferences,
    shift,
    surrogateR2,
    ...(shiftUnavailable === undefined ? {} : { shiftUnavailable }),
    outlierProfiles,
    frame: reference,
  }
}

/**
 * Everything `explain` reports for one window: the prediction shift decomposed, outlier shares with the
 * suite's verdict per column, the most extreme rows, the segment table with its worst segment, and the
 * error gap over the sensitive column.
 * @param window the window's rows, holding the prediction (and the target when known)
 * @throws {RangeError} when a needed column is missing.
 */
export function explainWindow(
  reference: ExplainReference,
  window: Frame,
  windowName: string,
): ExplainDocument {
  const { spec } = reference
  const predictions = numericValuesOrNaN(window, spec.predictionColumn)
  const shift =
    reference.shift === null || window.rowCount === 0
      ? null
      : explainMeanPredictionShift(
          reference.shift,
          window,
          predictions,
          reference.surrogateR2 === null ? {} : { surrogateR2: reference.surrogateR2 },
        )
  const outliers = reference.outlierProfiles.map((profile) =>
    columnOutliers(profile, getNumericColumn(window, profile.column)),
  )
  const showColumns = spec.showColumns ?? reference.outlierProfiles.map((p) => p.column)
  const segmentTable =
    spec.segmentColumn == null
      ? null
      : buildSegmentTable(reference, window, spec.segmentColumn, spec.segmentBy)
  const fairness =
    spec.sensitiveColumn == null
      ? null
      : (() => {
          const table = buildSegmentTable(reference, window, spec.sensitiveColumn, 'value')
          return errorGap(spec.sensitiveColumn, table.segments, table.minRows)
        })()
  return {
    project: spec.project,
    window: windowName,
    referenceRows: reference.rows,
    currentRows: window.rowCount,
    shift,
    ...(shift === null
      ? {
          shiftUnavailable:
            reference.shiftUnavailable ?? `The window ${windowName} has no rows to explain.`,
        }
      : {}),
    outliers,
    extremeRows: mostExtremeRows(
      window,
      reference.outlierProfiles,
      showColumns,
      spec.extremeRowLimit ?? 10,
    ),
    outlierTests: outliers.map((o) => evaluateOutlierShareTest(o)),
    segments: segmentTable,
    fairness,
  }
}

function buildSegmentTable(
  reference: ExplainReference,
  window: Frame,
  column: string,
  by: SegmentBy | undefined,
): SegmentTable {
  const { spec } = reference
  const chosen = by ?? defaultSegmentBy(getColumn(reference.frame, column))
  const prepared = reference.segmentReferences[`${column}\n${chosen}`]
  if (prepared === undefined)
    throw new RangeError(`Segments by ${column} (${chosen}) were not prepared for this reference.`)
  const mapped = applySegmentRanking(
    prepared.ranking,
    segmentLabels(getColumn(window, column), chosen),
  )
  const segments = segmentMetricsAgainst(
    prepared.groups,
    {
      labels: mapped.labels,
      predictions: numericValuesOrNaN(window, spec.predictionColumn),
      targets: targetValues(window, spec),
    },
    mapped.order,
  )
  const minRows = minimumSegmentRows(window.rowCount)
  return { column, by: chosen, segments, worst: worstSegment(segments, minRows), minRows }
}

/** The target with nulls as NaN, or null when the spec or the frame has none. */
function targetValues(frame: Frame, spec: ExplainSpec): Float64Array | null {
  return spec.targetColumn !== null && frame.names.includes(spec.targetColumn)
    ? numericValuesOrNaN(frame, spec.targetColumn)
    : null
}

/** A numeric column's values with nulls as NaN (so "unknown" stays unknown, unlike the model's 0). */
function numericValuesOrNaN(frame: Frame, name: string): Float64Array {
  const column = getNumericColumn(frame, name)
  const out = Float64Array.from(column.values)
  if (column.valid !== null)
    for (let i = 0; i < out.length; i++) if (column.valid[i] === 0) out[i] = Number.NaN
  return out
}
