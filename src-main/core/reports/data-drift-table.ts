import type { ColumnDriftResult } from '../../shared/domain/metrics'
import type { Frame } from '../data/frame'
import { cellValueOf, columnLength, getColumn, isNullAt } from '../data/frame'
import { computeColumnDrift } from '../drift/column-drift'
import type { DatasetDrift } from '../drift/dataset-drift'
import { computeDatasetDrift, DEFAULT_DRIFT_SHARE } from '../drift/dataset-drift'
import type { DriftOptions } from '../drift/drift-options'
import { cleanDriftSeries } from '../drift/drift-series'
import type { DriftColumnSpec } from './column-mapping'
import type { NullShareDrift } from './null-share-drift'
import { nullShareDrift } from './null-share-drift'
import type { ReferenceProfile } from './reference-profile'
import type { SmallDistribution } from './small-distribution'
import {
  categoricalSmallDistribution,
  countValues,
  numericSmallDistribution,
} from './small-distribution'

/** Options of DataDriftPreset / DataDriftTestPreset: Evidently's stattest overrides plus driftdesk's extras. */
export interface DataDriftOptions extends DriftOptions {
  /** Also test each column's share of nulls for drift (z-test, 0.05). */
  readonly nullShareDrift?: boolean
  /** Leave out the small distributions (test suites do not print them); default false. */
  readonly skipDistributions?: boolean
}

/** One row of Evidently's DataDriftTable (`ColumnDataDriftMetrics` as `as_dict()` prints it). */
export interface ColumnDriftEntry {
  readonly column_name: string
  readonly column_type: 'num' | 'cat'
  readonly stattest_name: string
  readonly stattest_threshold: number
  readonly drift_score: number | null
  readonly drift_detected: boolean | null
  readonly current: { readonly small_distribution: SmallDistribution }
  readonly reference: { readonly small_distribution: SmallDistribution }
  /** driftdesk: why this column could not be computed (Evidently would fail the whole report). */
  readonly error?: string
  /** driftdesk: drift of the share of nulls, when asked for. */
  readonly null_share_drift?: NullShareDrift
}

/** Evidently's DataDriftTable result. */
export interface DataDriftTableResult {
  readonly number_of_columns: number
  readonly number_of_drifted_columns: number
  readonly share_of_drifted_columns: number
  readonly dataset_drift: boolean
  readonly drift_by_columns: Readonly<Record<string, ColumnDriftEntry>>
  readonly current_fi: null
  readonly reference_fi: null
}

export interface DriftComputation {
  readonly dataset: DatasetDrift
  readonly table: DataDriftTableResult
  readonly columns: readonly ColumnDriftResult[]
}

/**
 * Drift of every listed column between the profiled reference and `current`, as DatasetDriftMetric and
 * DataDriftTable report it: stattest (automatic or overridden), threshold, score, decision and the small
 * distributions for plots. A column that cannot be computed (missing, empty or all-null in the current day,
 * a stattest error) becomes an entry with `error` and a null score, counted as a column but not as drifted;
 * the other columns are still computed (https://github.com/evidentlyai/evidently/issues/1480).
 *
 * Unlike Evidently (https://github.com/evidentlyai/evidently/issues/676), DataDriftTable's `dataset_drift`
 * uses the same `driftShare` as DatasetDriftMetric; with the default 0.5 both agree with Evidently.
 * @example computeDataDrift(profile, day, driftTableColumns(courseDriftMapping)).dataset.number_of_drifted_columns // 6
 */
export function computeDataDrift(
  profile: ReferenceProfile,
  current: Frame,
  columns: readonly DriftColumnSpec[],
  options: DataDriftOptions = {},
): DriftComputation {
  const results: ColumnDriftResult[] = []
  // Keyed by column names from the data: no prototype, so a column named '__proto__' is a key.
  const entries: Record<string, ColumnDriftEntry> = Object.create(null) as Record<
    string,
    ColumnDriftEntry
  >
  for (const spec of columns) {
    const { result, entry } = driftOfColumn(profile, current, spec, options)
    results.push(result)
    entries[spec.name] = entry
  }
  const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE
  const dataset = computeDatasetDrift(results, driftShare)
  return {
    dataset,
    columns: results,
    table: {
      number_of_columns: dataset.number_of_columns,
      number_of_drifted_columns: dataset.number_of_drifted_columns,
      share_of_drifted_columns: dataset.share_of_drifted_columns,
      dataset_drift: dataset.dataset_drift,
      drift_by_columns: entries,
      current_fi: null,
      reference_fi: null,
    },
  }
}

function driftOfColumn(
  profile: ReferenceProfile,
  current: Frame,
  spec: DriftColumnSpec,
  options: DataDriftOptions,
): { result: ColumnDriftResult; entry: ColumnDriftEntry } {
  const empty: SmallDistribution = { x: [], y: [] }
  const failed = (message: string): { result: ColumnDriftResult; entry: ColumnDriftEntry } => ({
    result: {
      column: spec.name,
      columnType: spec.type,
      stattest: 'default',
      stattestName: 'automatic',
      threshold: Number.NaN,
      driftScore: null,
      driftDetected: null,
      error: message,
    },
    entry: {
      column_name: spec.name,
      column_type: spec.type,
      stattest_name: 'automatic',
      stattest_threshold: Number.NaN,
      drift_score: null,
      drift_detected: null,
      current: { small_distribution: empty },
      reference: { small_distribution: empty },
      error: message,
    },
  })
  if (!profile.frame.names.includes(spec.name)) {
    return failed(`Column '${spec.name}' is not in the reference data.`)
  }
  if (!current.names.includes(spec.name)) {
    return failed(`Column '${spec.name}' is not in the current data.`)
  }
  const referenceSeries = profile.driftSeries(spec.name)
  const currentColumn = getColumn(current, spec.name)
  const currentSeries = cleanDriftSeries(currentColumn)
  const result = computeColumnDrift(spec.name, spec.type, referenceSeries, currentSeries, options)
  let referenceDistribution = empty
  let currentDistribution = empty
  if (
    options.skipDistributions !== true &&
    referenceSeries.length > 0 &&
    currentSeries.length > 0
  ) {
    if (spec.type === 'num' && currentSeries instanceof Float64Array) {
      referenceDistribution = profile.numericSmallDistribution(spec.name)
      currentDistribution = numericSmallDistribution(currentSeries)
    } else {
      const referenceCounts = profile.categoryCounts(spec.name)
      const currentCounts = countValues(currentSeries)
      referenceDistribution = categoricalSmallDistribution(
        referenceCounts,
        currentCounts,
        'reference',
      )
      currentDistribution = categoricalSmallDistribution(referenceCounts, currentCounts, 'current')
      if (currentColumn.kind === 'bool') {
        // pandas keys a boolean column by True/False (sorted as strings, the same order as 0/1).
        const asBooleans = (d: SmallDistribution): SmallDistribution => ({
          x: d.x.map((key) => cellValueOf(currentColumn, key as number)),
          y: d.y,
        })
        referenceDistribution = asBooleans(referenceDistribution)
        currentDistribution = asBooleans(currentDistribution)
      }
    }
  }
  let nullShare: NullShareDrift | undefined
  if (options.nullShareDrift === true && profile.frame.rowCount > 0 && current.rowCount > 0) {
    nullShare = nullShareDrift(
      countNulls(getColumn(profile.frame, spec.name)),
      profile.frame.rowCount,
      countNulls(currentColumn),
      current.rowCount,
    )
  }
  const entry: ColumnDriftEntry = {
    column_name: spec.name,
    column_type: spec.type,
    stattest_name: result.stattestName,
    stattest_threshold: result.threshold,
    drift_score: result.driftScore,
    drift_detected: result.driftDetected,
    current: { small_distribution: currentDistribution },
    reference: { small_distribution: referenceDistribution },
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(nullShare === undefined ? {} : { null_share_drift: nullShare }),
  }
  return { result, entry }
}

function countNulls(column: Parameters<typeof isNullAt>[0]): number {
  const n = columnLength(column)
  let nulls = 0
  for (let i = 0; i < n; i++) if (isNullAt(column, i)) nulls++
  return nulls
}
