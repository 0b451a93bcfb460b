import type { SourceReadOptions } from '../../adapters/sources/csv-source'
import { SourceReadError } from '../../adapters/sources/source-read-error'
import type { PostgresSourceSpec } from '../../adapters/sources/postgres-source'
import { readSourceFrame } from '../../adapters/sources/table-source'
import { concatFrames } from '../../core/data/concat-frames'
import type { Frame } from '../../core/data/frame'
import { takeRows } from '../../core/data/frame'
import type { DataWindow, WindowSpec } from '../../core/data/windows'
import { cutWindows, parseWindowSpec, windowForDate, withoutColumn } from '../../core/data/windows'
import { parseIsoDate } from '../../core/pipeline/daily-windows'
import type { ReportOptions } from '../../core/reports/build-report'
import { buildReport } from '../../core/reports/build-report'
import type { ColumnMapping, ColumnMappingSpec } from '../../core/reports/column-mapping'
import { inferColumnMapping } from '../../core/reports/column-mapping'
import type { ReferenceProfile } from '../../core/reports/reference-profile'
import { createReferenceProfile } from '../../core/reports/reference-profile'
import type { TestSuiteOptions } from '../../core/suites/build-test-suite'
import { buildTestSuite } from '../../core/suites/build-test-suite'
import type {
  ReportDocument,
  ReportPresetName,
  TestSuiteDocument,
  TestSuitePresetName,
} from '../../shared/domain/reports'
import { ReportRequestError } from './report-service'

/**
 * A learner's own data: reference and current sources (files or folders of Parquet, CSV or JSON Lines), a
 * column mapping (anything left out is inferred as Evidently 0.4 infers it), and how current data is cut.
 */
export interface OwnDataRequest {
  readonly reference: readonly string[]
  /** Files or folders; empty when the current data is a PostgreSQL table or query. */
  readonly current: readonly string[]
  /** A PostgreSQL table or query as the current data, and the saved connection to read it from. */
  readonly currentPostgres?: PostgresSourceSpec & { readonly connection?: string }
  readonly mapping?: ColumnMappingSpec
  /**
   * The timestamp column that cuts windows. It is only used to cut: both datasets lose it before any report
   * (the own-data answer key was made with it dropped; Evidently refuses a datetime column only one side has).
   */
  readonly windowColumn?: string
  /** `1d`, `1h`, `7d`, `month`, `rows:N`… (see `parseWindowSpec`); without it and without `date`: all rows. */
  readonly window?: string
  /** One day's window `[date, date + 1 day)` of the window column. */
  readonly date?: string
}

/** Both datasets read, the window column dropped, the mapping decided, and the current data's windows. */
export interface OwnDataSet {
  readonly mapping: ColumnMapping
  readonly profile: ReferenceProfile
  readonly current: Frame
  readonly windows: readonly DataWindow[]
  /** Current rows with no timestamp in the window column (in no window). */
  readonly rowsWithoutTimestamp: number
}

/** One window's outcome: a document, or why there is none (an empty window). */
export interface WindowOutcome<D> {
  readonly window: string
  readonly start: string | null
  readonly endExclusive: string | null
  readonly currentRows: number
  readonly document?: D
  readonly error?: string
}

/**
 * Reads and prepares own data. Errors say what and where: a missing file, a value that does not fit its
 * column (column, row, value), an unparseable timestamp in the window column, a mapped column missing from
 * one dataset, an empty reference, a date outside the data.
 * @throws {ReportRequestError}
 */
export async function loadOwnData(
  request: OwnDataRequest,
  sources: OwnDataSources = {},
): Promise<OwnDataSet> {
  const windowColumn = request.windowColumn
  if ((request.window !== undefined || request.date !== undefined) && windowColumn === undefined) {
    const needsColumn = request.date !== undefined || !/^rows:|^all$/i.test(request.window ?? '')
    if (needsColumn)
      throw new ReportRequestError(
        `${request.date !== undefined ? '--date' : `--window ${request.window}`} needs the timestamp column that holds each row's time: add --datetime COL.`,
      )
  }
  let spec: WindowSpec
  try {
    if (request.date !== undefined) {
      parseIsoDate(request.date)
      spec = parseWindowSpec('1d', windowColumn)
    } else spec = parseWindowSpec(request.window ?? 'all', windowColumn)
  } catch (error) {
    throw new ReportRequestError((error as Error).message)
  }
  const options: SourceReadOptions =
    windowColumn === undefined ? {} : { declaredTypes: { [windowColumn]: 'timestamp' } }
  const [reference, current] = await Promise.all([
    readSide(request.reference, 'reference', options),
    request.currentPostgres === undefined
      ? readSide(request.current, 'current', options)
      : readPostgresSide(request.currentPostgres, sources),
  ])
  if (reference.rowCount === 0)
    throw new ReportRequestError(
      `The reference data (${request.reference.join(', ')}) has no rows: drift and quality need a reference sample to compare with.`,
    )
  if (windowColumn !== undefined && !current.names.includes(windowColumn))
    throw new ReportRequestError(
      `The window column '${windowColumn}' is not in the current data (${request.current.join(', ')}); it has: ${current.names.join(', ')}.`,
    )
  let cut
  try {
    cut = cutWindows(current, spec)
  } catch (error) {
    throw new ReportRequestError((error as Error).message)
  }
  let windows = cut.windows
  if (request.date !== undefined) {
    const day = windowForDate(cut, request.date)
    if (day === undefined || day.rows.length === 0) {
      const first = cut.windows[0]?.label
      const last = cut.windows[cut.windows.length - 1]?.label
      throw new ReportRequestError(
        `No current row has '${windowColumn}' on ${request.date}${first === undefined ? '' : `; the data covers ${first} to ${last}`}.`,
      )
    }
    windows = [day]
  }
  const referenceFrame =
    windowColumn === undefined ? reference : withoutColumn(reference, windowColumn)
  const currentFrame = windowColumn === undefined ? current : withoutColumn(current, windowColumn)
  let mapping: ColumnMapping
  try {
    mapping = inferColumnMapping(referenceFrame, currentFrame, request.mapping)
  } catch (error) {
    throw new ReportRequestError((error as Error).message)
  }
  return {
    mapping,
    profile: createReferenceProfile(referenceFrame, mapping),
    current: currentFrame,
    windows,
    rowsWithoutTimestamp: cut.rowsWithoutTimestamp,
  }
}

/** How to reach a PostgreSQL source: a front door that has a database passes its batch reader. */
export interface OwnDataSources {
  readonly readPostgres?: (
    spec: PostgresSourceSpec & { readonly connection?: string },
  ) => AsyncIterable<Frame>
}

async function readPostgresSide(
  spec: PostgresSourceSpec & { readonly connection?: string },
  sources: OwnDataSources,
): Promise<Frame> {
  if (sources.readPostgres === undefined)
    throw new ReportRequestError(
      'The current data is a PostgreSQL table or query, and this command has no database to read it from.',
    )
  const frames: Frame[] = []
  try {
    for await (const frame of sources.readPostgres(spec)) frames.push(frame)
    return concatFrames(
      frames,
      frames.map(() => ('table' in spec ? spec.table : 'query')),
    )
  } catch (error) {
    if (error instanceof SourceReadError || error instanceof RangeError)
      throw new ReportRequestError(`The current data: ${error.message}`)
    throw error
  }
}

async function readSide(
  paths: readonly string[],
  side: string,
  options: SourceReadOptions,
): Promise<Frame> {
  try {
    return await readSourceFrame(paths, options)
  } catch (error) {
    if (error instanceof SourceReadError)
      throw new ReportRequestError(`The ${side} data: ${error.message}`)
    throw error
  }
}

/**
 * The report of `preset` for every window of `data`; an empty window is an outcome with an error, and the
 * other windows go on.
 */
export function ownDataReports(
  data: OwnDataSet,
  preset: ReportPresetName,
  options: ReportOptions = {},
): WindowOutcome<ReportDocument>[] {
  return data.windows.map((window) =>
    perWindow(data, window, (current) => buildReport(preset, data.profile, current, options)),
  )
}

/** The test suite of `preset` for every window, as {@link ownDataReports}. */
export function ownDataTestSuites(
  data: OwnDataSet,
  preset: TestSuitePresetName,
  options: TestSuiteOptions = {},
): WindowOutcome<TestSuiteDocument>[] {
  return data.windows.map((window) =>
    perWindow(data, window, (current) => buildTestSuite(preset, data.profile, current, options)),
  )
}

function perWindow<D>(
  data: OwnDataSet,
  window: DataWindow,
  build: (current: Frame) => D,
): WindowOutcome<D> {
  const base = {
    window: window.label,
    start: window.start,
    endExclusive: window.endExclusive,
    currentRows: window.rows.length,
  }
  if (window.rows.length === 0)
    return { ...base, error: `The window ${window.label} has no current rows; nothing to compare.` }
  const current =
    window.rows.length === data.current.rowCount
      ? data.current
      : takeRows(data.current, window.rows)
  try {
    return { ...base, document: build(current) }
  } catch (error) {
    if (error instanceof RangeError) return { ...base, error: error.message }
    throw error
  }
}
