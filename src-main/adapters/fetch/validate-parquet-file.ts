import { openAsBlob } from 'node:fs'
import { open } from 'node:fs/promises'
import { ParquetFile } from 'parquet-wasm'
import { describeBytePrefix } from './describe-byte-prefix'

/** What a local check of a Parquet file found: its size and row count, or why it cannot be used. */
export type ParquetFileCheck =
  | { readonly ok: true; readonly bytes: number; readonly rows: number; readonly rowGroups: number }
  | { readonly ok: false; readonly bytes: number; readonly problem: string }

/** Every Parquet file starts and ends with these four bytes. */
export const PARQUET_MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]) // "PAR1"

/** The smallest possible file: magic, an empty footer's length field, magic. */
const MINIMUM_PARQUET_BYTES = 12

/**
 * Checks, without reading the column data, that a file on disk is a complete Parquet file: `PAR1` at both
 * ends, a footer length that fits inside the file, a footer that parquet-wasm can parse, at least one row,
 * and row groups whose compressed sizes fit before the footer. That is what a cut download or an HTML error
 * page saved under a `.parquet` name fails. It costs one small read of each end plus parsing the footer
 * (~1 ms for a TLC file after parquet-wasm's first use).
 * Layout reference: https://parquet.apache.org/docs/file-format/
 */
export async function validateParquetFile(path: string): Promise<ParquetFileCheck> {
  const handle = await open(path, 'r')
  let bytes: number
  let head: Buffer
  let tail: Buffer
  try {
    bytes = (await handle.stat()).size
    if (bytes < MINIMUM_PARQUET_BYTES) {
      return { ok: false, bytes, problem: `it has only ${bytes} bytes, too few for a Parquet file` }
    }
    const headRead = await handle.read(Buffer.alloc(64), 0, 64, 0)
    head = headRead.buffer.subarray(0, headRead.bytesRead)
    tail = Buffer.alloc(8)
    await handle.read(tail, 0, 8, bytes - 8)
  } finally {
    await handle.close()
  }
  if (!head.subarray(0, 4).equals(PARQUET_MAGIC)) {
    return {
      ok: false,
      bytes,
      problem: `it does not start with PAR1 but with ${describeBytePrefix(head)}`,
    }
  }
  if (!tail.subarray(4, 8).equals(PARQUET_MAGIC)) {
    return { ok: false, bytes, problem: 'it does not end with PAR1, so it was cut short' }
  }
  const footerBytes = tail.readUInt32LE(0)
  const dataEnd = bytes - 8 - footerBytes
  if (footerBytes === 0 || dataEnd < 4) {
    return {
      ok: false,
      bytes,
      problem: `its footer length (${footerBytes} bytes) does not fit in the file`,
    }
  }
  let parquetFile: ParquetFile
  try {
    parquetFile = await ParquetFile.fromFile(await openAsBlob(path))
  } catch (error) {
    return { ok: false, bytes, problem: `its footer cannot be read (${errorText(error)})` }
  }
  try {
    const metadata = parquetFile.metadata()
    const rows = metadata.fileMetadata().numRows()
    const rowGroups = metadata.numRowGroups()
    if (rows <= 0) return { ok: false, bytes, problem: 'it holds no rows' }
    let compressed = 0
    for (const group of metadata.rowGroups()) compressed += group.compressedSize()
    if (compressed > dataEnd - 4) {
      return {
        ok: false,
        bytes,
        problem: `its row groups claim ${compressed} bytes but only ${dataEnd - 4} precede the footer`,
      }
    }
    return { ok: true, bytes, rows, rowGroups }
  } finally {
    parquetFile.free()
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
