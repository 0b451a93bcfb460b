import { readFile } from 'node:fs/promises'
import { tableFromIPC } from 'apache-arrow'
import { readParquet } from 'parquet-wasm'
import type { Frame } from '../../core/data/frame'
import { checkTripColumns } from '../../core/pipeline/check-trip-columns'
import { arrowTableToFrame } from './arrow-to-frame'

/** Why a Parquet file could not be read; the message says which file and what to do. */
export class ParquetReadError extends Error {
  constructor(
    readonly code: 'DATA_FILE_MISSING' | 'DATA_FILE_INVALID',
    readonly path: string,
    message: string,
  ) {
    super(message)
    this.name = 'ParquetReadError'
  }
}

const PARQUET_MAGIC = 'PAR1'

/**
 * What to tell the user to do about a missing or unusable file. Only the caller knows where the file came
 * from: a file in the user's --data-dir must not be "deleted and downloaded again with fetch".
 */
export interface ParquetFileAdvice {
  /** Ends "The data file X does not exist: …". */
  readonly missing: string
  /** Ends "The data file X is truncated / is not Parquet / could not be decoded: …". */
  readonly invalid: string
}

const DEFAULT_ADVICE: ParquetFileAdvice = {
  missing:
    'download it with `npm run driftdesk -- fetch` or pass --data-dir with the folder that holds it',
  invalid: 'delete it and download it again with `npm run driftdesk -- fetch`',
}

/**
 * Reads a whole Parquet file into a frame (parquet-wasm decodes, apache-arrow holds the columns).
 * @throws {ParquetReadError} when the file is missing, not Parquet, truncated or undecodable.
 */
export async function readParquetFile(
  path: string,
  advice: ParquetFileAdvice = DEFAULT_ADVICE,
): Promise<Frame> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ParquetReadError(
        'DATA_FILE_MISSING',
        path,
        `The data file ${path} does not exist: ${advice.missing}.`,
      )
    }
    throw error
  }
  return readParquetBytes(bytes, path, advice)
}

/** Decodes Parquet bytes; `source` names the file in errors. */
export function readParquetBytes(
  bytes: Uint8Array,
  source: string,
  advice: ParquetFileAdvice = DEFAULT_ADVICE,
): Frame {
  const head = new TextDecoder().decode(bytes.subarray(0, 4))
  const tail = new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - 4)))
  if (bytes.length < 12 || head !== PARQUET_MAGIC || tail !== PARQUET_MAGIC) {
    const what =
      head === PARQUET_MAGIC
        ? 'is truncated (the Parquet footer is missing)'
        : 'is not a Parquet file (it does not start with PAR1)'
    throw new ParquetReadError(
      'DATA_FILE_INVALID',
      source,
      `The data file ${source} ${what}: ${advice.invalid}.`,
    )
  }
  try {
    const wasmTable = readParquet(bytes)
    return arrowTableToFrame(tableFromIPC(wasmTable.intoIPCStream()))
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ParquetReadError(
        'DATA_FILE_INVALID',
        source,
        `The data file ${source}: ${error.message}`,
      )
    }
    const detail = error instanceof Error ? error.message : String(error)
    throw new ParquetReadError(
      'DATA_FILE_INVALID',
      source,
      `The data file ${source} could not be decoded as Parquet (${detail}), so it may be corrupt: ${advice.invalid}.`,
    )
  }
}

/**
 * Reads a TLC green-taxi file and checks that the course's columns are there with usable types (a boolean
 * `PULocationID` would otherwise give drift on 0/1).
 * @throws {ParquetReadError} as `readParquetFile`, and DATA_FILE_INVALID naming the column, the type it holds
 * and the type expected
 */
export async function readTripFile(
  path: string,
  advice: ParquetFileAdvice = DEFAULT_ADVICE,
): Promise<Frame> {
  const frame = await readParquetFile(path, advice)
  try {
    checkTripColumns(frame)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    throw new ParquetReadError(
      'DATA_FILE_INVALID',
      path,
      `The data file ${path} is not a usable green-taxi trip file: ${error.message} Use the TLC's green_tripdata file for that month: ${advice.invalid}.`,
    )
  }
  return frame
}
