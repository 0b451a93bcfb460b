import type { ReportDocument, SuiteTestEntry } from '../../../src-main/shared/domain/reports'
import type { SmallDistribution } from '../charts/build-distribution-option'
import { formatParameter, formatShare, formatValue } from '../views/format-numbers'

/**
 * Reads the parts of an Evidently-shaped report dictionary that the Reports view draws. The document
 * is plain JSON from main; these readers are defensive (a missing field becomes null, never a crash) so a
 * report from a newer engine with extra metrics still renders what it can.
 */

export interface DatasetDriftSummary {
  readonly numberOfColumns: number
  readonly numberOfDriftedColumns: number
  readonly shareOfDriftedColumns: number
  readonly datasetDrift: boolean
  readonly driftShare: number | null
}

export interface DriftColumnRow {
  readonly column: string
  readonly columnType: 'num' | 'cat'
  readonly stattestName: string
  readonly threshold: number
  readonly score: number | null
  readonly isDrifted: boolean | null
  readonly reference: SmallDistribution | null
  readonly current: SmallDistribution | null
  readonly error: string | null
}

export interface ColumnSummaryRow {
  readonly column: string
  readonly columnType: string
  readonly current: Readonly<Record<string, unknown>> | null
  readonly reference: Readonly<Record<string, unknown>> | null
  /** Histogram (numbers) or top categories, both sides, for the column's plot. */
  readonly plot: {
    readonly current: SmallDistribution | null
    readonly reference: SmallDistribution | null
  } | null
  readonly error: string | null
}

type Json = Readonly<Record<string, unknown>>

function asObject(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return value
  if (value === 'NaN') return Number.NaN
  if (value === 'Infinity') return Number.POSITIVE_INFINITY
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY
  return null
}

function metricResults(report: ReportDocument, name: string): Json[] {
  return report.metrics.filter((entry) => entry.metric === name).map((entry) => entry.result)
}

function readDistribution(side: unknown): SmallDistribution | null {
  const distribution = asObject(asObject(side)?.small_distribution ?? side)
  if (distribution === null || !Array.isArray(distribution.x) || !Array.isArray(distribution.y))
    return null
  return {
    x: distribution.x as (number | string)[],
    y: (distribution.y as unknown[]).map((value) => asNumber(value) ?? 0),
  }
}

export function readDatasetDrift(report: ReportDocument): DatasetDriftSummary | null {
  const result = metricResults(report, 'DatasetDriftMetric')[0]
  if (result === undefined) return null
  return {
    numberOfColumns: asNumber(result.number_of_columns) ?? 0,
    numberOfDriftedColumns: asNumber(result.number_of_drifted_columns) ?? 0,
    shareOfDriftedColumns: asNumber(result.share_of_drifted_columns) ?? 0,
    datasetDrift: result.dataset_drift === true,
    driftShare: asNumber(result.drift_share),
  }
}

/**
 * One row per column whose drift was measured: DataDriftTable's columns (data-drift preset), or the
 * ColumnDriftMetric entries the course preset computes (the prediction only), which share its shape.
 */
export function readDriftColumns(report: ReportDocument): DriftColumnRow[] {
  const table = metricResults(report, 'DataDriftTable')[0]
  const byColumn = asObject(table?.drift_by_columns)
  const entries: [string, Json][] =
    byColumn !== null
      ? Object.entries(byColumn).map(([column, raw]) => [column, asObject(raw) ?? {}])
      : metricResults(report, 'ColumnDriftMetric').map((result) => [
          typeof result.column_name === 'string' ? result.column_name : '?',
          result,
        ])
  return entries.map(([column, entry]) => ({
    column,
    columnType: entry.column_type === 'cat' ? 'cat' : 'num',
    stattestName: typeof entry.stattest_name === 'string' ? entry.stattest_name : '',
    threshold: asNumber(entry.stattest_threshold) ?? 0,
    score: asNumber(entry.drift_score),
    isDrifted: typeof entry.drift_detected === 'boolean' ? entry.drift_detected : null,
    reference: readDistribution(entry.reference),
    current: readDistribution(entry.current),
    error: typeof entry.error === 'string' ? entry.error : null,
  }))
}

/** Missing cells per column, current day and reference, from DatasetMissingValuesMetric. */
export interface MissingColumnRow {
  readonly column: string
  readonly currentCount: number | null
  readonly currentShare: number | null
  readonly referenceShare: number | null
}

export function readMissingByColumn(report: ReportDocument): MissingColumnRow[] {
  const missing = readMissingValues(report)
  const counts = asObject(missing?.current?.number_of_missing_values_by_column)
  const shares = asObject(missing?.current?.share_of_missing_values_by_column)
  const referenceShares = asObject(missing?.reference?.share_of_missing_values_by_column)
  if (counts === null) return []
  return Object.keys(counts).map((column) => ({
    column,
    currentCount: asNumber(counts[column]),
    currentShare: asNumber(shares?.[column]),
    referenceShare: asNumber(referenceShares?.[column]),
  }))
}

/** p-value tests report a probability where lower means drift; their Evidently names say "p_value". */
export function isPValueTest(stattestName: string): boolean {
  return /p_value/i.test(stattestName)
}

export function readColumnSummaries(report: ReportDocument): ColumnSummaryRow[] {
  return metricResults(report, 'ColumnSummaryMetric').map((result) => ({
    column: typeof result.column_name === 'string' ? result.column_name : '?',
    columnType: typeof result.column_type === 'string' ? result.column_type : '',
    current: asObject(result.current_characteristics),
    reference: asObject(result.reference_characteristics),
    plot:
      asObject(result.plot_data) === null
        ? null
        : {
            current: readDistribution(asObject(result.plot_data)?.current),
            reference: readDistribution(asObject(result.plot_data)?.reference),
          },
    error: typeof result.error === 'string' ? result.error : null,
  }))
}

/** DatasetSummaryMetric's current side (rows, columns, missing, duplicates…). */
export function readDatasetSummary(report: ReportDocument): Json | null {
  const result = metricResults(report, 'DatasetSummaryMetric')[0]
  return asObject(result?.current)
}

export function readMissingValues(
  report: ReportDocument,
): { current: Json | null; reference: Json | null } | null {
  const result = metricResults(report, 'DatasetMissingValuesMetric')[0]
  if (result === undefined) return null
  return { current: asObject(result.current), reference: asObject(result.reference) }
}

/** RegressionQualityMetric's scalars for both sides. */
export function readRegressionQuality(
  report: ReportDocument,
): { current: Json; reference: Json | null } | null {
  const result = metricResults(report, 'RegressionQualityMetric')[0]
  const current = asObject(result?.current)
  if (current === null) return null
  return { current, reference: asObject(result?.reference) }
}

/** driftdesk's RegressionErrorDistribution: histograms of (prediction − target) for both sides. */
export function readRegressionErrors(
  report: ReportDocument,
): { current: SmallDistribution | null; reference: SmallDistribution | null } | null {
  const result = metricResults(report, 'RegressionErrorDistribution')[0]
  if (result === undefined) return null
  return {
    current: readDistribution(result.current_bins),
    reference: readDistribution(result.reference_bins),
  }
}

/** The condition of a test as Evidently writes it (`lt=0.3`, `gte=0.95 ± 0.1`…). */
export function formatCondition(test: SuiteTestEntry): string {
  const condition = asObject(test.parameters.condition)
  if (condition === null) {
    // Column drift tests carry no condition: the stattest's own threshold decides.
    const threshold = asNumber(test.parameters.threshold)
    return threshold === null ? '—' : `threshold ${formatParameter(threshold)}`
  }
  return Object.entries(condition)
    .map(([operator, value]) => `${operator} ${formatConditionValue(value)}`)
    .join(', ')
}

function formatConditionValue(value: unknown): string {
  const object = asObject(value)
  if (object !== null && 'value' in object) {
    // Evidently's ApproxValue prints its tolerance: max(relative × |value|, absolute).
    const value = asNumber(object.value)
    const tolerance = Math.max(
      (asNumber(object.relative) ?? 0) * Math.abs(value ?? 0),
      asNumber(object.absolute) ?? 0,
    )
    const shown = formatConditionValue(object.value)
    if (tolerance === 0) return shown
    return `${shown} ± ${tolerance < 1e-6 ? tolerance.toExponential(0) : formatParameter(tolerance)}`
  }
  if (Array.isArray(value)) return `[${value.map(formatConditionValue).join(', ')}]`
  const number = asNumber(value)
  return number === null ? String(value) : formatParameter(number)
}

/**
 * The measured value of a test, when its parameters carry one. The share-of-drifted-columns test carries
 * its per-column verdicts instead, so its share is counted from them.
 */
export function readTestValue(test: SuiteTestEntry): string {
  const features = asObject(test.parameters.features)
  if (features !== null) {
    const verdicts = Object.values(features).map((feature) => asObject(feature)?.detected === true)
    if (verdicts.length > 0) {
      const drifted = verdicts.filter(Boolean).length
      return `${formatShare(drifted / verdicts.length)} (${drifted} of ${verdicts.length})`
    }
  }
  for (const key of ['value', 'score', 'share', 'actual_value']) {
    if (key in test.parameters) {
      const number = asNumber(test.parameters[key])
      return number === null ? String(test.parameters[key]) : formatNumber(number)
    }
  }
  return '—'
}

/** Splits Evidently's `**bold**` markup into plain and bold runs, so descriptions render without HTML. */
export function splitBold(text: string): { readonly text: string; readonly isBold: boolean }[] {
  return text
    .split('**')
    .map((part, index) => ({ text: part, isBold: index % 2 === 1 }))
    .filter((part) => part.text !== '')
}

/** A number whose kind is not known: counted when whole, else a score (the panel's one rule per kind). */
export function formatNumber(value: number | null): string {
  return formatValue(value)
}
