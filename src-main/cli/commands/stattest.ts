import { readFile } from 'node:fs/promises'
import type { SampleValue } from '../../core/drift/infer-sample-column-type'
import { inferSampleColumnType } from '../../core/drift/infer-sample-column-type'
import { selectDefaultStatTest } from '../../core/drift/select-default-stat-test'
import { getStatTest } from '../../core/drift/stattests/index'
import type { DriftSeries, StatTestOptions } from '../../core/drift/stattests/stat-test'
import { NumpyLegacyRandomState } from '../../core/random/numpy-legacy-random-state'
import type { DriftColumnType } from '../../shared/domain/metrics'
import type { CliContext } from '../cli-context'
import { parseCommandOptions } from '../parse-command-options'
import { CliError } from '../cli-context'

export const summary =
  "Run Evidently's drift stattests on samples from a JSON file (one result per case)"

const HELP = `Usage: npm run driftdesk -- stattest --input cases.json [--json] [--seed N]
       npm run -s driftdesk -- stattest --example > cases.json

Scores each case of the file with one of Evidently's drift stattests, exactly as Evidently 0.4 does.
  --input FILE   {"cases":[{"id":"c1","stattest":"ks","column_type":"num","reference":[...],"current":[...],
                 "threshold":0.05}]}; "stattest" may be "default" (Evidently's automatic choice); "threshold" is
                 optional (the test's default); values are numbers, strings, booleans, null, or
                 "NaN"/"Infinity"/"-Infinity". Null, NaN and ±inf are dropped first, as Evidently's
                 ColumnDriftMetric does.
                 "column_type" ("num" or "cat") is optional: without it the type is inferred as Evidently does
                 with no column mapping (strings and booleans: cat; integers with at most 5 distinct values:
                 cat; other numbers: num; "column":"target"/"prediction" follow Evidently's rules for those).
                 A number is an integer by its value (2.0 counts as 2): give column_type to decide otherwise.
  --example      print a sample cases file (every field used once) and exit
  --json         one JSON object per case on stdout:
                 {"id","column_type","stattest","stattest_name","threshold","drift_score","drift_detected"}
                 or {"id","error"}
  --seed N       seed (integer in [0, 2^32)) of the random source for permutation tests (empirical_mmd, TVD);
                 without it they use numpy's np.random.seed(0) stream, like Evidently
Exit code 0 when every case was scored, 1 when a case failed, 2 when the file is unusable.
`

/** What `--example` prints: a valid input that exercises each field once (the tests run it). */
export const EXAMPLE_CASES = {
  cases: [
    {
      id: 'trip-distance',
      stattest: 'ks',
      column_type: 'num',
      reference: [1.2, 0.8, 3.5, 2.2, 'NaN', 1.9, 0.5],
      current: [4.1, 3.9, null, 5.2, 4.4, 6.0],
      threshold: 0.05,
    },
    {
      id: 'payment-type',
      stattest: 'default',
      reference: ['card', 'cash', 'card', 'card', 'cash'],
      current: ['card', 'card', 'card', 'cash', 'card'],
    },
    {
      id: 'passenger-count',
      column: 'passenger_count',
      stattest: 'psi',
      reference: [1, 1, 2, 1, 3, 1, 2],
      current: [1, 2, 2, 2, 3, 2, 2],
      threshold: 0.2,
    },
  ],
}

interface CaseResult {
  readonly id: string
  readonly columnType?: DriftColumnType
  readonly stattest?: string
  readonly stattestName?: string
  readonly threshold?: number
  readonly driftScore?: number
  readonly driftDetected?: boolean
  readonly error?: string
}

/** `driftdesk stattest`: reads the cases, scores each one independently, prints JSON lines or a table. */
export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      input: { type: 'string' },
      example: { type: 'boolean' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  })
  if (parsed === null) return 0
  const { values } = parsed
  if (values.example === true) {
    context.stdout.write(`${JSON.stringify(EXAMPLE_CASES, null, 2)}\n`)
    return 0
  }
  if (values.input === undefined) throw new CliError(`--input FILE is required.\n\n${HELP}`, 2)
  const seed = values.seed === undefined ? undefined : parseSeed(values.seed)
  // A fresh generator per case, so a case's result does not depend on the cases before it.
  const optionsForCase = (): StatTestOptions =>
    seed === undefined ? {} : { random: seededRandom(seed) }
  const cases = await readCases(values.input)
  const results = cases.map((item, index) => scoreCase(item, index, optionsForCase()))
  if (values.json === true) {
    for (const result of results) context.stdout.write(`${JSON.stringify(toJsonLine(result))}\n`)
  } else {
    context.stdout.write(formatTable(results))
  }
  return results.some((result) => result.error !== undefined) ? 1 : 0
}

function parseSeed(text: string): number {
  const seed = Number(text)
  if (!/^\d+$/.test(text) || !(seed < 2 ** 32)) {
    throw new CliError(`--seed must be an integer in [0, 2^32); got '${text}'.`, 2)
  }
  return seed
}

function seededRandom(seed: number): () => number {
  const state = new NumpyLegacyRandomState(seed)
  return () => state.randomSample()
}

/** Reads and checks the file's outer shape; a problem here stops the command with exit code 2. */
async function readCases(path: string): Promise<unknown[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CliError(`cannot read the input file ${path}: ${(error as Error).message}`, 2)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new CliError(
      `the input file ${path} is not valid JSON (${(error as Error).message}); expected {"cases":[...]}.`,
      2,
    )
  }
  if (
    typeof document !== 'object' ||
    document === null ||
    !Array.isArray((document as { cases?: unknown }).cases)
  ) {
    throw new CliError(
      `the input file ${path} must be a JSON object with a "cases" array, e.g. {"cases":[...]}.`,
      2,
    )
  }
  return (document as { cases: unknown[] }).cases
}

/** Scores one case; any problem with it becomes that case's error, never the whole command's. */
function scoreCase(item: unknown, index: number, options: StatTestOptions): CaseResult {
  const record =
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? (item as Record<string, unknown>)
      : undefined
  const id =
    typeof record?.id === 'string' || typeof record?.id === 'number'
      ? String(record.id)
      : `#${index + 1}`
  try {
    if (record === undefined) throw new RangeError(`case ${id} must be an object`)
    const column = typeof record.column === 'string' ? record.column : id
    const rawReference = decodeSample(record.reference, 'reference')
    const rawCurrent = decodeSample(record.current, 'current')
    const givenType = record.column_type
    if (givenType !== undefined && givenType !== 'num' && givenType !== 'cat') {
      throw new RangeError(
        `column_type must be "num", "cat" or absent (inferred as Evidently does), got ${JSON.stringify(givenType)}`,
      )
    }
    const columnType: DriftColumnType =
      givenType ?? inferSampleColumnType(column, rawReference, rawCurrent)
    const name = record.stattest ?? 'default'
    if (typeof name !== 'string')
      throw new RangeError(`stattest must be a string, got ${JSON.stringify(name)}`)
    const threshold = record.threshold ?? undefined
    if (threshold !== undefined && typeof threshold !== 'number') {
      throw new RangeError(`threshold must be a number or absent, got ${JSON.stringify(threshold)}`)
    }
    const reference = cleanSeries(rawReference, 'reference', column, columnType)
    const current = cleanSeries(rawCurrent, 'current', column, columnType)
    const test =
      name === 'default'
        ? selectDefaultStatTest(reference, current, columnType)
        : getStatTest(name, columnType)
    const result = test.run(reference, current, columnType, threshold, options)
    return {
      id,
      columnType,
      stattest: test.name,
      stattestName: test.displayName,
      threshold: result.threshold,
      driftScore: result.driftScore,
      driftDetected: result.driftDetected,
    }
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) }
  }
}

/** JSON's spellings of the non-finite numbers; a Map, so a category such as "toString" stays a string. */
const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
])

/**
 * Decodes a JSON sample into values: JSON's spellings "NaN", "Infinity" and "-Infinity" become numbers, every
 * other string stays a string (a category), booleans and null stay as they are.
 */
function decodeSample(raw: unknown, which: 'reference' | 'current'): SampleValue[] {
  if (!Array.isArray(raw)) throw new RangeError(`${which} must be an array of values`)
  return raw.map((value: unknown, position) => {
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return value
    if (typeof value === 'string') return SPECIAL_NUMBERS.get(value) ?? value
    throw new RangeError(
      `${which}[${position}] must be a number, a string, a boolean or null, got ${JSON.stringify(value)}`,
    )
  })
}

/**
 * Drops null/NaN/±inf, as Evidently's ColumnDriftMetric does (`replace([-inf, inf], nan).dropna()`). Numbers
 * give a numeric series, booleans count as 0 and 1 (as pandas compares them); any string makes it a string
 * series, which only a categorical column accepts.
 */
function cleanSeries(
  values: readonly SampleValue[],
  which: 'reference' | 'current',
  column: string,
  columnType: DriftColumnType,
): DriftSeries {
  const finite: number[] = []
  const strings: string[] = []
  for (const value of values) {
    if (typeof value === 'string') strings.push(value)
    else if (typeof value === 'boolean') finite.push(value ? 1 : 0)
    else if (value !== null && Number.isFinite(value)) finite.push(value)
  }
  if (strings.length > 0 && finite.length > 0) {
    throw new RangeError(
      `${which} mixes numbers (or booleans) and strings; use one kind per column`,
    )
  }
  if (strings.length > 0 && columnType === 'num') {
    throw new RangeError(
      `${which} has string values such as ${JSON.stringify(strings[0])}, but the column type is "num"`,
    )
  }
  if (strings.length === 0 && finite.length === 0) {
    throw new RangeError(
      `An empty column '${column}' was provided for drift calculation in the ${which} dataset.`,
    )
  }
  return strings.length > 0 ? strings : Float64Array.from(finite)
}

function toJsonLine(result: CaseResult): Record<string, unknown> {
  if (result.error !== undefined) return { id: result.id, error: result.error }
  return {
    id: result.id,
    column_type: result.columnType,
    stattest: result.stattest,
    stattest_name: result.stattestName,
    threshold: result.threshold,
    // JSON has no NaN: a NaN score (e.g. chi-square with one category) is written as null.
    drift_score: Number.isNaN(result.driftScore) ? null : result.driftScore,
    drift_detected: result.driftDetected,
  }
}

/**
 * A plain table. An error row prints its message after the id and "error", unpadded, so a long message never
 * widens the score column of the rows that were scored.
 */
function formatTable(results: readonly CaseResult[]): string {
  const header = ['id', 'stattest', 'threshold', 'drift score', 'drift']
  const rows = results.map((result) =>
    result.error !== undefined
      ? [result.id, 'error', result.error]
      : [
          result.id,
          result.stattest ?? '',
          String(result.threshold),
          String(result.driftScore),
          result.driftDetected === true ? 'DRIFT' : 'no drift',
        ],
  )
  const widths = header.map((title, column) =>
    Math.max(
      title.length,
      ...rows
        .filter((row) => row.length === header.length || column < row.length - 1)
        .map((row) => row[column]!.length),
    ),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
  return (
    [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') +
    '\n'
  )
}
