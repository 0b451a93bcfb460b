import type { SegmentMetrics } from '../../shared/domain/explain'
import { compensatedMean } from '../stats/compensated-mean'
import { sortedFloat64 } from '../stats/sorted-float64'
import { wassersteinDistanceOfSorted } from '../stats/wasserstein-distance'

/** Evidently's floor for the reference std in the normed Wasserstein distance. */
const MIN_NORM = 0.001

/** Rows of one side (reference or window) for segmenting: a label, a prediction and maybe a target. */
export interface SegmentInput {
  readonly labels: readonly string[]
  readonly predictions: ArrayLike<number>
  /** Actual values (NaN where unknown); null when the side has no target. */
  readonly targets: ArrayLike<number> | null
}

/**
 * Per segment: row counts, mean prediction of the window and of the reference's same segment, the drift
 * of the segment's predictions (normed Wasserstein distance, `W1(ref, cur) / max(std₀(ref), 0.001)`, the
 * score the course uses for the prediction), and MAE/RMSE over the window rows whose target is known.
 * NaN predictions are left out, as Evidently drops them.
 *
 * @param order the segments to report, in order (from capSegments)
 * Complexity: O(n log n) for the sorts inside the Wasserstein distances.
 * @see https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.groupby.html (what the test compares to)
 * @example // window segment 'a' with predictions [1, 3], targets [2, 2] → meanPrediction 2, mae 1, rmse 1
 */
export function segmentMetrics(
  reference: SegmentInput,
  window: SegmentInput,
  order: readonly string[],
): SegmentMetrics[] {
  return segmentMetricsAgainst(prepareReferenceSegments(reference), window, order)
}

/** A reference segment's predictions, sorted, with their mean and population std (computed once). */
export interface ReferenceSegment {
  readonly rows: number
  readonly sorted: Float64Array
  readonly mean: number | null
  readonly std: number
}

/** The reference side of {@link segmentMetrics}, prepared once per reference and segment column. */
export function prepareReferenceSegments(
  reference: SegmentInput,
): ReadonlyMap<string, ReferenceSegment> {
  const prepared = new Map<string, ReferenceSegment>()
  for (const [label, group] of groupRows(reference)) {
    const sorted = sortedFloat64(group.predictions)
    prepared.set(label, {
      rows: group.rows,
      sorted,
      mean: sorted.length > 0 ? compensatedMean(group.predictions) : null,
      std: sorted.length > 0 ? populationStd(group.predictions) : 0,
    })
  }
  return prepared
}

/** {@link segmentMetrics} against a prepared reference. */
export function segmentMetricsAgainst(
  reference: ReadonlyMap<string, ReferenceSegment>,
  window: SegmentInput,
  order: readonly string[],
): SegmentMetrics[] {
  const windowGroups = groupRows(window)
  return order.map((segment) => {
    const ref = reference.get(segment)
    const cur = windowGroups.get(segment) ?? { rows: 0, predictions: [], errors: [] }
    const bothHavePredictions =
      ref !== undefined && ref.sorted.length > 0 && cur.predictions.length > 0
    let mae: number | null = null
    let rmse: number | null = null
    if (cur.errors.length > 0) {
      mae = compensatedMean(cur.errors.map(Math.abs))
      rmse = Math.sqrt(compensatedMean(cur.errors.map((e) => e * e)))
    }
    return {
      segment,
      rows: cur.rows,
      referenceRows: ref?.rows ?? 0,
      meanPrediction: cur.predictions.length > 0 ? compensatedMean(cur.predictions) : null,
      referenceMeanPrediction: ref?.mean ?? null,
      predictionDrift: bothHavePredictions
        ? wassersteinDistanceOfSorted(ref.sorted, sortedFloat64(cur.predictions)) /
          Math.max(ref.std, MIN_NORM)
        : null,
      labelledRows: cur.errors.length,
      mae,
      rmse,
    }
  })
}

interface Group {
  rows: number
  predictions: number[]
  errors: number[]
}

function groupRows(input: SegmentInput): Map<string, Group> {
  const groups = new Map<string, Group>()
  input.labels.forEach((label, i) => {
    let group = groups.get(label)
    if (group === undefined) {
      group = { rows: 0, predictions: [], errors: [] }
      groups.set(label, group)
    }
    group.rows++
    const prediction = input.predictions[i] as number
    if (Number.isNaN(prediction)) return
    group.predictions.push(prediction)
    const target = input.targets === null ? Number.NaN : (input.targets[i] as number)
    if (!Number.isNaN(target)) group.errors.push(prediction - target)
  })
  return groups
}

function populationStd(values: readonly number[]): number {
  const mean = compensatedMean(values)
  return Math.sqrt(compensatedMean(values.map((v) => (v - mean) ** 2)))
}
