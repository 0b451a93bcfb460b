import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Frame } from '../../core/data/frame'
import { frameFromArrowIpc, frameToArrowIpc } from './frame-ipc'
import { readParquetBytes, readParquetFile } from './read-parquet-frame'

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
