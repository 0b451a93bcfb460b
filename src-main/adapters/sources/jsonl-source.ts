import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Column, Frame } from '../../core/data/frame'
import { CellTypeError, TextColumnBuilder } from '../../core/data/text-column-builder'
import type { SourceReadOptions } from './csv-source'
import { SourceReadError } from './source-read-error'

const batchRows = 32_768

/**
 * Streams a JSON Lines file (one JSON object per line, blank lines skipped) as column batches. The first
 * object's keys name the columns; a later object may leave a key out (null) but not add one. Values are typed
 * as the CSV reader types text: numbers integer or float, `true`/`false` boolean, ISO 8601 strings
 * timestamps, other strings text, `null` missing; a value that does not fit its column is an error naming
 * the column, the row and the value.
 * @throws {SourceReadError} on a missing file, a line that is not a JSON object, an unknown key, or a value
 *   that does not fit its column.
 */
export async function* readJsonLinesBatches(
  path: string,
  options: SourceReadOptions = {},
): AsyncGenerator<Frame> {
  const stream = createReadStream(path)
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve())
    stream.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new SourceReadError('DATA_FILE_MISSING', path, `The data file ${path} does not exist.`)
          : error,
      ),
    )
  })
  await opened
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  let names: string[] | null = null
  let builders: TextColumnBuilder[] = []
  let cells: (string | null)[][] = []
  let lineNumber = 0
  let rows = 0
  let rowsBefore = 0
  const flush = (): Frame => {
    const columns: Record<string, Column> = {}
    ;(names as string[]).forEach((name, k) => {
      try {
        columns[name] = (builders[k] as TextColumnBuilder).addBatch(
          cells[k] as (string | null)[],
          rowsBefore + 1,
        )
      } catch (error) {
        if (error instanceof CellTypeError)
          throw new SourceReadError('DATA_FILE_INVALID', path, `${path}: ${error.message}`)
        throw error
      }
    })
    const frame = { rowCount: rows - rowsBefore, names: [...(names as string[])], columns }
    rowsBefore = rows
    cells = (names as string[]).map(() => [])
    return frame
  }
  for await (const line of lines) {
    lineNumber++
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      throw new SourceReadError(
        'DATA_FILE_INVALID',
        path,
        `${path}, line ${lineNumber}: not valid JSON (${(error as Error).message}); JSON Lines holds one object per line.`,
      )
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new SourceReadError(
        'DATA_FILE_INVALID',
        path,
        `${path}, line ${lineNumber}: expected a JSON object ({"column": value, …}).`,
      )
    const record = value as Record<string, unknown>
    if (names === null) {
      names = Object.keys(record)
      builders = names.map((name) => new TextColumnBuilder(name, options.declaredTypes?.[name]))
      cells = names.map(() => [])
    }
    for (const key of Object.keys(record))
      if (!names.includes(key))
        throw new SourceReadError(
          'DATA_FILE_INVALID',
          path,
          `${path}, line ${lineNumber}: the key '${key}' is not among the first line's keys (${names.join(', ')}); every line needs the same columns.`,
        )
    names.forEach((name, k) => {
      ;(cells[k] as (string | null)[]).push(cellText(record[name], path, lineNumber, name))
    })
    rows++
    if (rows - rowsBefore >= batchRows) yield flush()
  }
  if (names === null)
    throw new SourceReadError(
      'DATA_FILE_INVALID',
      path,
      `${path} holds no JSON object: a JSON Lines file needs one object per line.`,
    )
  if (rows > rowsBefore) yield flush()
}

function cellText(value: unknown, path: string, line: number, column: string): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'string') return value
  throw new SourceReadError(
    'DATA_FILE_INVALID',
    path,
    `${path}, line ${line}: column '${column}' holds a nested ${Array.isArray(value) ? 'array' : 'object'}; only numbers, strings, booleans and null can be monitored.`,
  )
}
