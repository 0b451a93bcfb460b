import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Bool, Table, tableToIPC, vectorFromArray } from 'apache-arrow'
import { Table as WasmTable, writeParquet } from 'parquet-wasm'
import { describe, expect, it } from 'vitest'
import { buildSyntheticGreenTripTable } from '../../../test/support/synthetic-green-trips'
import { syntheticTripParquet } from '../../../test/support/taxi-data'
import type { Frame } from '../../core/data/frame'
import { getColumn, takeRows } from '../../core/data/frame'
import { frameFromArrowIpc, frameToArrowIpc } from './frame-ipc'
import { readParquetBytes, readParquetFile, readTripFile } from './read-parquet-frame'

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-parquet-'))

describe('readParquetFile', () => {
  it('names the missing file and the way to get it', async () => {
    await expect(readParquetFile(join(dir, 'green_tripdata_2031-01.parquet'))).rejects.toThrow(
      /green_tripdata_2031-01\.parquet does not exist.*fetch.*--data-dir/,
    )
  })

  it('tells an HTML error page from Parquet', () => {
    const path = join(dir, 'page.parquet')
    writeFileSync(path, '<html><body>Access denied</body></html>')
    expect(() => readParquetBytes(readFileSync(path), path)).toThrow(
      /is not a Parquet file.*download it again/,
    )
  })

  it('detects a truncated download', () => {
    const bytes = new TextEncoder().encode('PAR1' + 'x'.repeat(100))
    expect(() => readParquetBytes(bytes, 'cut.parquet')).toThrow(/cut\.parquet is truncated/)
  })

  it('reports a corrupt body with the file name', () => {
    const bytes = new TextEncoder().encode('PAR1' + '\u0001'.repeat(64) + 'PAR1')
    expect(() => readParquetBytes(bytes, 'bad.parquet')).toThrow(
      /bad\.parquet could not be decoded/,
    )
  })
})

describe('frame Arrow IPC round trip', () => {
  it('keeps kinds, nulls, strings and all-null columns exactly', () => {
    const frame: Frame = {
      rowCount: 3,
      names: ['id', 'at', 'fare', 'flag', 'ehail_fee'],
      columns: {
        id: { kind: 'int64', values: Float64Array.of(1, 2, 3), valid: null },
        at: {
          kind: 'timestamp_us',
          values: Float64Array.of(1.6e15, 1.6e15 + 1, 1.6e15 + 2),
          valid: null,
        },
        fare: {
          kind: 'float64',
          values: Float64Array.of(2.5, 0, -1),
          valid: Uint8Array.of(1, 0, 1),
        },
        flag: { kind: 'string', values: ['N', null, ''] },
        ehail_fee: { kind: 'null', length: 3 },
      },
    }
    const back = frameFromArrowIpc(frameToArrowIpc(frame))
    expect(back.names).toEqual(frame.names)
    expect(back.columns.id).toEqual({
      kind: 'int64',
      values: Float64Array.of(1, 2, 3),
      valid: null,
    })
    expect(back.columns.at).toEqual(frame.columns.at)
    const fare = back.columns.fare
    expect(fare?.kind).toBe('float64')
    expect(fare && 'valid' in fare ? [...(fare.valid ?? [])] : null).toEqual([1, 0, 1])
    expect(back.columns.flag).toEqual({ kind: 'string', values: ['N', null, ''] })
    expect(back.columns.ehail_fee).toEqual({ kind: 'null', length: 3 })
  })
})

// Regression (issue 9): a file whose PULocationID is boolean was read as 0/1 and drift was computed on it.
describe('readTripFile (the course columns with usable physical types)', () => {
  it('accepts a TLC-shaped file', async () => {
    const path = join(dir, 'green_tripdata_2022-02.parquet')
    writeFileSync(path, syntheticTripParquet('2022-02'))
    const frame = await readTripFile(path)
    expect(frame.columns.PULocationID?.kind).toBe('int64')
  })

  it('refuses a boolean PULocationID, naming the file, the column and the type expected', async () => {
    const table = buildSyntheticGreenTripTable('2022-02')
    const booleans = Array.from({ length: table.numRows }, (_, i) => i % 2 === 0)
    const withBoolean = table.assign(
      new Table({ PULocationID: vectorFromArray(booleans, new Bool()) }),
    )
    expect(withBoolean.getChild('PULocationID')?.type.toString()).toBe('Bool')
    const path = join(dir, 'green_tripdata_2022-03.parquet')
    writeFileSync(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(withBoolean, 'stream'))))
    // The plain reader still reads it (booleans are legitimate data elsewhere) …
    expect((await readParquetFile(path)).columns.PULocationID?.kind).toBe('bool')
    // … the trip-file reader does not.
    await expect(readTripFile(path)).rejects.toThrow(
      /green_tripdata_2022-03\.parquet is not a usable green-taxi trip file: Column 'PULocationID' holds booleans, but the course needs numbers \(a Parquet integer or floating-point column\)/,
    )
  })
})

// Issue 9: column names are data; names that are also Object.prototype members stay ordinary columns.
describe('column names that are Object.prototype members', () => {
  it('reads, looks up and round-trips columns named __proto__, constructor and toString', () => {
    const table = new Table(
      Object.fromEntries([
        ['__proto__', vectorFromArray([1, 2, 3])],
        ['constructor', vectorFromArray(['a', 'b', 'c'])],
      ]),
    )
    const path = join(dir, 'proto-names.parquet')
    writeFileSync(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream'))))
    const frame = readParquetBytes(readFileSync(path), path)
    expect(frame.names).toEqual(['__proto__', 'constructor'])
    expect(Object.keys(frame.columns)).toEqual(['__proto__', 'constructor'])
    expect(getColumn(frame, '__proto__')).toMatchObject({ kind: 'float64' })
    expect(getColumn(frame, 'constructor')).toEqual({ kind: 'string', values: ['a', 'b', 'c'] })
    expect(() => getColumn(frame, 'toString')).toThrow(/Column 'toString' is missing/)
    const back = frameFromArrowIpc(frameToArrowIpc(takeRows(frame, [2, 0])))
    expect(Object.keys(back.columns)).toEqual(['__proto__', 'constructor'])
    expect(getColumn(back, 'constructor')).toEqual({ kind: 'string', values: ['c', 'a'] })
  })
})
