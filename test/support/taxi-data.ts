import { createHash } from 'node:crypto'
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tableToIPC } from 'apache-arrow'
import {
  Compression,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm'
import { buildSyntheticGreenTripTable } from './synthetic-green-trips'

/**
 * Where tests find NYC green-taxi trip files. On a machine with the shared data (../shared/data/nyc-taxi
 * beside the repository) tests use the real TLC files; on a fresh clone they use small synthetic files with
 * the same names, schema and quirks, generated once into a temporary folder shared by the test processes.
 */

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, '..', '..')

/** Months the synthetic folder holds: January trains the model, February and March are monitored. */
export const SYNTHETIC_TAXI_MONTHS = ['2022-01', '2022-02', '2022-03'] as const

/** `../shared/data/nyc-taxi` relative to the repo root if it holds green_tripdata_2022-01/02 parquet, else null. */
export function realTaxiDataDir(): string | null {
  const dir = resolve(repoRoot, '..', 'shared', 'data', 'nyc-taxi')
  const hasBoth = ['2022-01', '2022-02'].every((month) =>
    existsSync(join(dir, `green_tripdata_${month}.parquet`)),
  )
  return hasBoth ? dir : null
}

/** Parquet bytes of one synthetic month, one row group and GZIP like the TLC's own pyarrow writer. */
export function syntheticTripParquet(month: string): Uint8Array {
  const table = buildSyntheticGreenTripTable(month)
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.GZIP)
    .setMaxRowGroupSize(1_000_000)
    .setCreatedBy('driftdesk synthetic test data')
    .build()
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties)
}

let syntheticDir: Promise<string> | undefined

/**
 * A temp dir (made once per process, deterministic content) with small synthetic files named like the TLC
 * files: green_tripdata_2022-01.parquet, green_tripdata_2022-02.parquet and green_tripdata_2022-03.parquet.
 * Generating them takes a few seconds, and vitest runs each test file in its own process, so the folder is
 * shared between processes: its name carries a hash of the generator's source, it is published by one
 * atomic rename of a complete staging folder, and its files are read-only so no test can spoil it.
 */
export function syntheticTaxiDataDir(): Promise<string> {
  syntheticDir ??= Promise.resolve().then(() => {
    const dir = join(tmpdir(), `driftdesk-synthetic-taxi-${generatorFingerprint()}`)
    if (hasAllSyntheticFiles(dir)) return dir
    const staging = mkdtempSync(join(tmpdir(), 'driftdesk-synthetic-taxi-staging-'))
    for (const month of SYNTHETIC_TAXI_MONTHS) {
      const file = join(staging, `green_tripdata_${month}.parquet`)
      writeFileSync(file, syntheticTripParquet(month))
      chmodSync(file, 0o444)
    }
    try {
      renameSync(staging, dir)
    } catch (error) {
      // Another process published the same folder first; theirs has the same bytes.
      rmSync(staging, { recursive: true, force: true })
      if (!hasAllSyntheticFiles(dir)) throw error
    }
    return dir
  })
  return syntheticDir
}

function hasAllSyntheticFiles(dir: string): boolean {
  return SYNTHETIC_TAXI_MONTHS.every((month) =>
    existsSync(join(dir, `green_tripdata_${month}.parquet`)),
  )
}

/** Changes whenever the generator or this file changes, so an old shared folder is never reused. */
function generatorFingerprint(): string {
  const hash = createHash('sha256')
  for (const file of ['synthetic-green-trips.ts', 'taxi-data.ts'])
    hash.update(readFileSync(join(here, file)))
  return hash.digest('hex').slice(0, 16)
}

/** realTaxiDataDir() ?? syntheticTaxiDataDir() */
export async function taxiDataDir(): Promise<{ dir: string; real: boolean }> {
  const real = realTaxiDataDir()
  if (real !== null) return { dir: real, real: true }
  return { dir: await syntheticTaxiDataDir(), real: false }
}
