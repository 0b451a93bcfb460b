import { readdir, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { concatFrames } from '../../core/data/concat-frames'
import type { Frame } from '../../core/data/frame'
import type { SourceReadOptions } from './csv-source'
import { readCsvBatches } from './csv-source'
import { readJsonLinesBatches } from './jsonl-source'
import { readParquetBatches } from './parquet-source'
import { SourceReadError } from './source-read-error'

export type SourceFormat = 'parquet' | 'csv' | 'jsonl'

const formats: Readonly<Record<string, SourceFormat>> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
}

/** One file of a source and how to read it. */
export interface SourceFile {
  readonly path: string
  readonly format: SourceFormat
}

/**
 * The files a source names: each path is a file (format by extension: .parquet/.pq, .csv, .jsonl/.ndjson)
 * or a folder, whose files of known formats are taken in name order. One source holds one format.
 * @throws {SourceReadError} on a missing path, an unknown extension, an empty folder or mixed formats.
 */
export async function listSourceFiles(paths: readonly string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = []
  for (const path of paths) {
    let info
    try {
      info = await stat(path)
    } catch {
      throw new SourceReadError('DATA_FILE_MISSING', path, `The data path ${path} does not exist.`)
    }
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort()
      const inFolder = entries
        .filter((name) => formats[extname(name).toLowerCase()] !== undefined)
        .map((name) => ({
          path: join(path, name),
          format: formats[extname(name).toLowerCase()] as SourceFormat,
        }))
      if (inFolder.length === 0)
        throw new SourceReadError(
          'DATA_FILE_INVALID',
          path,
          `The folder ${path} holds no .parquet, .csv or .jsonl file.`,
        )
      files.push(...inFolder)
    } else {
      const format = formats[extname(path).toLowerCase()]
      if (format === undefined)
        throw new SourceReadError(
          'DATA_FILE_INVALID',
          path,
          `${path}: driftdesk reads .parquet, .csv and .jsonl (JSON Lines) files; rename the file or convert it.`,
        )
      files.push({ path, format })
    }
  }
  const kinds = new Set(files.map((file) => file.format))
  if (kinds.size > 1)
    throw new SourceReadError(
      'DATA_FILE_INVALID',
      paths.join(', '),
      `One source mixes ${[...kinds].join(' and ')} files; give files of one format.`,
    )
  return files
}

/**
 * Streams a source's column batches, file after file: Parquet by row group, CSV and JSON Lines in chunks of
 * tens of thousands of rows.
 */
export async function* readSourceBatches(
  files: readonly SourceFile[],
  options: SourceReadOptions = {},
): AsyncGenerator<{ readonly file: SourceFile; readonly frame: Frame }> {
  for (const file of files) {
    if (file.format === 'parquet') {
      for await (const frame of readParquetBatches(file.path)) yield { file, frame }
    } else {
      const batches =
        file.format === 'csv'
          ? readCsvBatches(file.path, options)
          : readJsonLinesBatches(file.path, options)
      for await (const frame of batches) yield { file, frame }
    }
  }
}

/**
 * A whole source as one frame (every file, every batch joined); its columns must agree across files.
 * @throws {SourceReadError} as {@link listSourceFiles} and the readers do, or when files disagree on columns.
 */
export async function readSourceFrame(
  paths: readonly string[],
  options: SourceReadOptions = {},
): Promise<Frame> {
  const files = await listSourceFiles(paths)
  const frames: Frame[] = []
  const sources: string[] = []
  for await (const { file, frame } of readSourceBatches(files, options)) {
    frames.push(frame)
    sources.push(file.path)
  }
  if (frames.length === 0) {
    // A CSV with only a header yields no batch: an empty frame with no columns cannot be checked, so say so.
    throw new SourceReadError(
      'DATA_FILE_INVALID',
      paths.join(', '),
      `${paths.join(', ')} holds no rows.`,
    )
  }
  try {
    return concatFrames(frames, sources)
  } catch (error) {
    if (error instanceof RangeError)
      throw new SourceReadError('DATA_FILE_INVALID', paths.join(', '), error.message)
    throw error
  }
}
