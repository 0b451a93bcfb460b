import { SourceReadError } from '../../adapters/sources/source-read-error'
import { listSourceFiles, readSourceBatches } from '../../adapters/sources/table-source'
import type { Column, Frame } from '../../core/data/frame'
import { isNullAt } from '../../core/data/frame'
import type { ColumnMapping } from '../../core/reports/column-mapping'
import { inferColumnMapping } from '../../core/reports/column-mapping'
import type {
  ColumnRole,
  ColumnStorage,
  DataPreview,
  FilesInspection,
  InspectedColumn,
  InspectFilesResult,
  ProjectFieldProblem,
} from '../../shared/domain/projects'

/** Rows of each side shown in the preview. */
export const PREVIEW_ROWS = 10

/** One side of a draft read: its first batch, or the problem, worded for the path field. */
export type SideSample =
  | { readonly ok: true; readonly frame: Frame }
  | { readonly ok: false; readonly problem: ProjectFieldProblem }

/**
 * Reads the first batch of a source (a Parquet row group, or a CSV / JSON Lines chunk of tens of
 * thousands of rows): enough to know its columns and their types and to propose a mapping, without
 * reading a large log whole. The full data is read, and checked, when a report runs.
 */
export async function sampleSide(
  paths: readonly string[],
  field: 'reference' | 'current',
): Promise<SideSample> {
  const label = field === 'reference' ? 'reference' : 'current'
  const problem = (message: string): SideSample => ({ ok: false, problem: { field, message } })
  for (const path of paths) {
    if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path))
      return problem(
        `Give the full path of the ${label} file or folder, starting at / (got '${path}').`,
      )
  }
  try {
    const files = await listSourceFiles(paths)
    for await (const { frame } of readSourceBatches(files)) {
      if (frame.rowCount > 0) return { ok: true, frame }
    }
    return problem(`The ${label} data holds no rows: it needs at least one row under its header.`)
  } catch (error) {
    if (error instanceof SourceReadError) return problem(error.message)
    throw error
  }
}

/**
 * What the panel shows before a project is saved: every column of either side with its storage type
 * and the role Evidently 0.4 would give it ({@link inferColumnMapping}: numbers numerical, text and
 * booleans categorical, `target`/`prediction` by name only), the first rows of each side, and a window
 * proposal (the current data's first timestamp column, by day).
 */
export async function inspectProjectFiles(
  reference: readonly string[],
  current: readonly string[],
): Promise<InspectFilesResult> {
  const [referenceSample, currentSample] = await Promise.all([
    sampleSide(reference, 'reference'),
    sampleSide(current, 'current'),
  ])
  const problems = [referenceSample, currentSample].flatMap((s) => (s.ok ? [] : [s.problem]))
  if (!referenceSample.ok || !currentSample.ok) return { ok: false, problems }
  return { ok: true, inspection: describeSamples(referenceSample.frame, currentSample.frame) }
}

/** The inspection of two sampled frames (pure: exported for tests). */
export function describeSamples(reference: Frame, current: Frame): FilesInspection {
  const mapping = inferColumnMapping(reference, current)
  const names = [...current.names, ...reference.names.filter((n) => !current.names.includes(n))]
  const columns = names.map((name) => describeColumn(name, reference, current, mapping))
  const firstTimestamp = current.names.find((n) => current.columns[n]?.kind === 'timestamp_us')
  return {
    columns,
    referencePreview: preview(reference),
    currentPreview: preview(current),
    sampledRows: { reference: reference.rowCount, current: current.rowCount },
    task: mapping.task ?? null,
    proposedWindow:
      firstTimestamp === undefined
        ? { column: null, every: 'all' }
        : { column: firstTimestamp, every: '1d' },
  }
}

function describeColumn(
  name: string,
  reference: Frame,
  current: Frame,
  mapping: ColumnMapping,
): InspectedColumn {
  const inReference = reference.names.includes(name)
  const inCurrent = current.names.includes(name)
  const column = (current.columns[name] ?? reference.columns[name]) as Column
  const storage = storageOf(column)
  const proposal = (proposedRole: ColumnRole, reason: string): InspectedColumn => ({
    name,
    storage,
    inReference,
    inCurrent,
    proposedRole,
    reason,
  })
  if (storage === 'timestamp')
    return proposal('datetime', 'a timestamp: never a feature; it can cut the windows')
  if (!inReference || !inCurrent)
    return proposal('ignored', `only in the ${inReference ? 'reference' : 'current'} data`)
  if (mapping.target === name) return proposal('target', "named 'target'")
  if (mapping.prediction === name) return proposal('prediction', "named 'prediction'")
  if (mapping.datetime === name) return proposal('datetime', "named 'datetime'")
  if (mapping.numericalFeatures.includes(name))
    return proposal('numerical', `${storage} → numerical, however few values it has`)
  if (mapping.categoricalFeatures.includes(name))
    return proposal('categorical', `${storage} → categorical`)
  return proposal('ignored', 'not a feature')
}

function storageOf(column: Column): ColumnStorage {
  switch (column.kind) {
    case 'string':
      return 'string'
    case 'null':
      return 'empty'
    case 'bool':
      return 'boolean'
    case 'timestamp_us':
      return 'timestamp'
    case 'float64':
      return 'float'
    default:
      return 'integer'
  }
}

function preview(frame: Frame): DataPreview {
  const count = Math.min(PREVIEW_ROWS, frame.rowCount)
  const rows = Array.from({ length: count }, (_, i) =>
    frame.names.map((name) => cellValue(frame.columns[name] as Column, i)),
  )
  return { columns: [...frame.names], rows }
}

function cellValue(column: Column, i: number): string | number | boolean | null {
  if (isNullAt(column, i)) return null
  switch (column.kind) {
    case 'null':
      return null
    case 'string':
      return column.values[i] ?? null
    case 'bool':
      return column.values[i] === 1
    case 'timestamp_us':
      return new Date((column.values[i] as number) / 1000).toISOString().replace(/\.000Z$/, '')
    default:
      return column.values[i] as number
  }
}
