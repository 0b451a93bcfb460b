import { readFile } from 'node:fs/promises'
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

Scores each case of the file with one of Evidently's drift stattests, exactly as Evidently 0.4 does.
  --input FILE   {"cases":[{"id":"c1","stattest":"ks","column_type":"num","reference":[...],"current":[...],
                 "threshold":0.05}]}; "stattest" may be "default" (Evidently's automatic choice); "threshold" is
                 optional (the test's default); values are numbers, strings, null, or "NaN"/"Infinity"/"-Infinity".
                 Null, NaN and ±inf are dropped first, as Evidently's ColumnDriftMetric does.
  --json         one JSON object per case on stdout: {"id","stattest","threshold","drift_score","drift_detected"}
                 or {"id","error"}
  --seed N       seed (integer in [0, 2^32)) of the random source for permutation tests (empirical_mmd, TVD);
                 without it they use numpy's np.random.seed(0) stream, like Evidently
Exit code 0 when every case was scored, 1 when a case failed, 2 when the file is unusable.
`

interface CaseResult {
  readonly id: string
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
      json: { type: 'boolean' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  })
  if (parsed === null) return 0
  const { values } = parsed
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
    const columnType = record.column_type
    if (columnType !== 'num' && columnType !== 'cat') {
      throw new RangeError(`column_type must be "num" or "cat", got ${JSON.stringify(columnType)}`)
    }
    const name = record.stattest ?? 'default'
    if (typeof name !== 'string')
      throw new RangeError(`stattest must be a string, got ${JSON.stringify(name)}`)
    const threshold = record.threshold ?? undefined
    if (threshold !== undefined && typeof threshold !== 'number') {
      throw new RangeError(`threshold must be a number or absent, got ${JSON.stringify(threshold)}`)
    }
    const column = typeof record.column === 'string' ? record.column : id
    const reference = cleanSeries(record.reference, 'reference', column, columnType)
    const current = cleanSeries(record.current, 'current', column, columnType)
    const test =
      name === 'default'
        ? selectDefaultStatTest(reference, current, columnType)
        : getStatTest(name, columnType)
    const result = test.run(reference, current, columnType, threshold, options)
    return {
      id,
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

const SPECIAL_NUMBERS: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
}

/**
 * Decodes a JSON sample and drops null/NaN/±inf, as Evidently's ColumnDriftMetric does
 * (`replace([-inf, inf], nan).dropna()`). Numbers give a numeric series; any other string makes it a string
 * series, which only a categorical column accepts.
 */
function cleanSeries(
  raw: unknown,
  which: 'reference' | 'current',
  column: string,
  columnType: DriftColumnType,
): DriftSeries {
  if (!Array.isArray(raw)) throw new RangeError(`${which} must be an array of values`)
  const numbers: number[] = []
  const strings: string[] = []
  for (const [position, value] of raw.entries()) {
    if (value === null) continue
    if (typeof value === 'number') numbers.push(value)
    else if (typeof value === 'string') {
      if (value in SPECIAL_NUMBERS) numbers.push(SPECIAL_NUMBERS[value]!)
      else strings.push(value)
    } else {
      throw new RangeError(
        `${which}[${position}] must be a number, a string or null, got ${JSON.stringify(value)}`,
      )
    }
  }
  const finite = numbers.filter(Number.isFinite)
  if (strings.length > 0 && finite.length > 0) {
    throw new RangeError(`${which} mixes numbers and strings; use one kind per column`)
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
    stattest: result.stattest,
    stattest_name: result.stattestName,
    threshold: result.threshold,
    // JSON has no NaN: a NaN score (e.g. chi-square with one category) is written as null.
    drift_score: Number.isNaN(result.driftScore) ? null : result.driftScore,
    drift_detected: result.driftDetected,
  }
}

function formatTable(results: readonly CaseResult[]): string {
  const header = ['id', 'stattest', 'threshold', 'drift score', 'drift']
  const rows = results.map((result) =>
    result.error !== undefined
      ? [result.id, 'error', '', result.error, '']
      : [
          result.id,
          result.stattest ?? '',
          String(result.threshold),
          String(result.driftScore),
          result.driftDetected === true ? 'DRIFT' : 'no drift',
        ],
  )
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd()
  return (
    [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') +
    '\n'
  )
}
