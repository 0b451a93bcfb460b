import { createReadStream } from 'node:fs'
import Papa from 'papaparse'
import type { Column, Frame } from '../../core/data/frame'
import type { DeclaredType } from '../../core/data/text-column-builder'
import { CellTypeError, TextColumnBuilder } from '../../core/data/text-column-builder'
import { SourceReadError } from './source-read-error'

/** Options shared by the streaming readers. */
export interface SourceReadOptions {
  /** Column types the user declared (the window column is declared `timestamp`); the rest are inferred. */
  readonly declaredTypes?: Readonly<Record<string, DeclaredType>>
}

/**
 * Bytes read per step (a few thousand rows of a typical log). Small on purpose: papaparse's row arrays of
 * one step are garbage once the step is typed into columns, and at 256 KB they die young instead of being
 * promoted and piling up in the old generation. `backfill --project` of 10 M CSV rows on 2 cores: 4 MB
 * steps peaked at 1.7 GB RSS, 1 MB at 1.4 GB, 256 KB at 0.75 GB, in the same time (≈ 40 s).
 */
const readChunkBytes = 256 * 1024

/**
 * Streams a CSV file as column batches (one `Frame` per parsed chunk, never an array of row objects):
 * papaparse splits the text (quotes, escaped quotes, CRLF; measured fastest of csv-parse, papaparse and
 * fast-csv in bench/csv-parsers.bench.ts), the first row names the columns, and each column's type is
 * decided as {@link TextColumnBuilder} documents (pandas' `read_csv` rules where clear). The parser is paused
 * while the consumer works on a batch, so memory follows the batch, not the file.
 * @throws {SourceReadError} on a missing file, a bad header, a row with the wrong number of fields, or a
 *   value that does not fit its column (naming the column, the row and the value).
 */
export async function* readCsvBatches(
  path: string,
  options: SourceReadOptions = {},
): AsyncGenerator<Frame> {
  const stream = createReadStream(path, { highWaterMark: readChunkBytes })
  const queue: { rows: string[][]; problem: Papa.ParseError | undefined }[] = []
  let finished = false
  let failure: Error | null = null
  let parser: Papa.Parser | null = null
  let wake: (() => void) | null = null
  const notify = (): void => {
    const resume = wake
    wake = null
    resume?.()
  }
  stream.on('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new SourceReadError('DATA_FILE_MISSING', path, `The data file ${path} does not exist.`)
        : error
    notify()
  })
  Papa.parse<string[]>(stream, {
    chunk: (result, chunkParser) => {
      parser = chunkParser
      chunkParser.pause()
      // A row with too few or too many fields is reported below with its row number across chunks;
      // papaparse's other complaints (unbalanced quotes) stop the read.
      queue.push({
        rows: result.data,
        problem: result.errors.find((error) => error.type !== 'FieldMismatch'),
      })
      notify()
    },
    complete: () => {
      finished = true
      notify()
    },
    error: (error: Error) => {
      failure = error
      notify()
    },
    skipEmptyLines: true,
    // Comma-separated, always: papaparse's guess would turn a one-column file into a warning.
    delimiter: ',',
  })
  let header: string[] | null = null
  let builders: TextColumnBuilder[] = []
  let dataRows = 0
  try {
    for (;;) {
      const entry = queue.shift()
      if (entry === undefined) {
        if (failure !== null) throw failure
        if (finished) break
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        continue
      }
      const { rows, problem } = entry
      let start = 0
      if (problem !== undefined) {
        const row = dataRows + (problem.row ?? 0) + (header === null ? 0 : 1)
        throw new SourceReadError(
          'DATA_FILE_INVALID',
          path,
          `${path}, near data row ${row}: ${problem.message}; check the quotes around that field.`,
        )
      }
      if (header === null) {
        header = (rows[0] ?? []).map((name) => name.trim())
        start = 1
        checkHeader(path, header)
        builders = header.map(
          (name) => new TextColumnBuilder(name, options.declaredTypes?.[name] ?? undefined),
        )
      }
      if (failure !== null) throw failure
      const batch = rows.length - start
      if (batch > 0) {
        yield toFrame(path, header, builders, rows, start, dataRows)
        dataRows += batch
      }
      ;(parser as Papa.Parser | null)?.resume()
    }
    if (header === null)
      throw new SourceReadError(
        'DATA_FILE_INVALID',
        path,
        `${path} is empty: a CSV file needs a header row naming its columns.`,
      )
  } finally {
    if (!finished) {
      ;(parser as Papa.Parser | null)?.abort()
      stream.destroy()
    }
  }
}

function checkHeader(path: string, header: readonly string[]): void {
  const seen = new Set<string>()
  header.forEach((name, k) => {
    if (name === '')
      throw new SourceReadError(
        'DATA_FILE_INVALID',
        path,
        `${path}: column ${k + 1} of the header row has no name; every column needs one.`,
      )
    if (seen.has(name))
      throw new SourceReadError(
        'DATA_FILE_INVALID',
        path,
        `${path}: the header names the column '${name}' twice; column names must be unique.`,
      )
    seen.add(name)
  })
}

function toFrame(
  path: string,
  header: readonly string[],
  builders: readonly TextColumnBuilder[],
  rows: readonly string[][],
  start: number,
  rowsBefore: number,
): Frame {
  const n = rows.length - start
  for (let i = 0; i < n; i++) {
    const row = rows[start + i] as string[]
    if (row.length !== header.length)
      throw new SourceReadError(
        'DATA_FILE_INVALID',
        path,
        `${path}, data row ${rowsBefore + i + 1}: ${row.length} fields but the header has ${header.length}; every row needs one field per column.`,
      )
  }
  const columns: Record<string, Column> = {}
  header.forEach((name, k) => {
    try {
      columns[name] = (builders[k] as TextColumnBuilder).addCells(
        n,
        (i) => (rows[start + i] as string[])[k] as string,
        rowsBefore + 1,
      )
    } catch (error) {
      if (error instanceof CellTypeError)
        throw new SourceReadError('DATA_FILE_INVALID', path, `${path}: ${error.message}`)
      throw error
    }
  })
  return { rowCount: n, names: [...header], columns }
}
