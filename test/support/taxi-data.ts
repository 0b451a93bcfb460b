import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
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
 * the same names, schema and quirks, generated once per process into a temporary folder.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

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
 * Removed when the process exits.
 */
export function syntheticTaxiDataDir(): Promise<string> {
  syntheticDir ??= Promise.resolve().then(() => {
    const dir = mkdtempSync(join(tmpdir(), 'driftdesk-synthetic-taxi-'))
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    mkdirSync(dir, { recursive: true })
    for (const month of SYNTHETIC_TAXI_MONTHS) {
      const file = join(dir, `green_tripdata_${month}.parquet`)
      // Write then rename, so a reader never sees half a file.
      writeFileSync(`${file}.part`, syntheticTripParquet(month))
      renameSync(`${file}.part`, file)
    }
    return dir
  })
  return syntheticDir
}

/** realTaxiDataDir() ?? syntheticTaxiDataDir() */
export async function taxiDataDir(): Promise<{ dir: string; real: boolean }> {
  const real = realTaxiDataDir()
  if (real !== null) return { dir: real, real: true }
  return { dir: await syntheticTaxiDataDir(), real: false }
}
