import { openAsBlob } from 'node:fs'
import { tableFromIPC } from 'apache-arrow'
import { ParquetFile } from 'parquet-wasm'
import type { Frame } from '../../core/data/frame'
import { arrowTableToFrame } from '../parquet/arrow-to-frame'
import { SourceReadError } from './source-read-error'

/**
 * Rows per Arrow record batch inside a row group. parquet-wasm's default (1,024) cut a 250k-row group into
 * ~1,000 tiny batches whose IPC framing and per-chunk conversion cost ~0.5 s of CPU per million rows
 * (bench/own-data-backfill.bench.ts); the row group is in memory either way, so larger batches cost no memory.
 */
const batchRows = 65_536

/**
 * Streams a Parquet file one row group at a time as column batches: the file is opened as a lazy Blob and
 * parquet-wasm reads only the bytes of the row group asked for, so memory follows the row group, not the
 * file (a file written as one row group is still one batch).
 * @throws {SourceReadError} when the file is missing or is not readable Parquet.
 */
export async function* readParquetBatches(path: string): AsyncGenerator<Frame> {
  let blob: Blob
  try {
    blob = await openAsBlob(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new SourceReadError('DATA_FILE_MISSING', path, `The data file ${path} does not exist.`)
    throw error
  }
  const magic = async (start: number, end: number): Promise<string> =>
    new TextDecoder().decode(await blob.slice(start, end).arrayBuffer())
  if (
    blob.size < 12 ||
    (await magic(0, 4)) !== 'PAR1' ||
    (await magic(blob.size - 4, blob.size)) !== 'PAR1'
  )
    throw new SourceReadError(
      'DATA_FILE_INVALID',
      path,
      `${path} is not a Parquet file (it must start and end with PAR1); check the file or its extension.`,
    )
  let file: ParquetFile
  try {
    file = await ParquetFile.fromFile(blob)
  } catch (error) {
    throw undecodable(path, error)
  }
  try {
    const groups = file.metadata().numRowGroups()
    for (let group = 0; group < groups; group++) {
      let frame: Frame
      try {
        const table = await file.read({ rowGroups: [group], batchSize: batchRows })
        frame = arrowTableToFrame(tableFromIPC(table.intoIPCStream()))
      } catch (error) {
        throw undecodable(path, error)
      }
      yield frame
    }
  } finally {
    file.free()
  }
}

function undecodable(path: string, error: unknown): SourceReadError {
  const detail = error instanceof Error ? error.message : String(error)
  return new SourceReadError(
    'DATA_FILE_INVALID',
    path,
    `${path} could not be read as Parquet (${detail}); it may be truncated or use an unsupported type.`,
  )
}
