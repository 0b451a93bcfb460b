import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Column, Frame } from '../../core/data/frame'
import { isNullAt } from '../../core/data/frame'
import { readCsvBatches } from './csv-source'
import { listSourceFiles, readSourceBatches, readSourceFrame } from './table-source'

const dir = mkdtempSync(join(tmpdir(), 'driftdesk-sources-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('CSV source', () => {
  it('reads quoted fields (commas, quotes, line breaks) and CRLF line ends', async () => {
    const path = write('quoted.csv', 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n')
    const frame = await readSourceFrame([path])
    expect(frame.columns.note).toEqual({
      kind: 'string',
      values: ['a, b', 'say "hi"', 'two\nlines'],
    })
    expect(frame.columns.id?.kind).toBe('int64')
  })

  it('streams a large file in several column batches that join to the same frame', async () => {
    const lines = ['k,v']
    for (let i = 0; i < 300_000; i++) lines.push(`${i},${(i * 0.25).toFixed(2)}`)
    const path = write('large.csv', `${lines.join('\n')}\n`)
    const sizes: number[] = []
    for await (const batch of readCsvBatches(path)) sizes.push(batch.rowCount)
    expect(sizes.length).toBeGreaterThan(1)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(300_000)
    const frame = await readSourceFrame([path])
    const v = frame.columns.v
    if (v?.kind !== 'float64') throw new Error('v must be float64')
    expect(v.values[299_999]).toBe(74_999.75)
  })

  it('names the row of a line with the wrong number of fields', async () => {
    const path = write('ragged.csv', 'a,b\n1,2\n3\n')
    await expect(readSourceFrame([path])).rejects.toThrow(/data row 2: .*header/)
  })

  it('lists a folder in name order and refuses mixed formats', async () => {
    write('f1.csv', 'a\n1\n')
    const files = await listSourceFiles([dir])
    expect(files.map((f) => f.format)).toContain('csv')
    write('z.jsonl', '{"a": 1}\n')
    await expect(listSourceFiles([dir])).rejects.toThrow(/mixes csv and jsonl/)
  })
})

describe('JSON Lines source', () => {
  it('types values like CSV text and names a line that is not an object', async () => {
    const path = write('rows.jsonl', '{"a": 1, "b": "x", "c": true}\n\n{"a": 2.5, "c": false}\n')
    const frame = await readSourceFrame([path])
    expect(frame.columns.a?.kind).toBe('float64')
    expect(frame.columns.b).toEqual({ kind: 'string', values: ['x', null] })
    expect(frame.columns.c?.kind).toBe('bool')
    const bad = write('bad.jsonl', '{"a": 1}\n[1]\n')
    await expect(readSourceFrame([bad])).rejects.toThrow(/line 2: expected a JSON object/)
  })
})

describe('Parquet source', () => {
  it('reads a Parquet file of several row groups into the same frame as the whole-file reader', async () => {
    const { tableToIPC } = await import('apache-arrow')
    const { Table: WasmTable, WriterPropertiesBuilder, writeParquet } = await import('parquet-wasm')
    const { buildSyntheticGreenTripTable } =
      await import('../../../test/support/synthetic-green-trips')
    const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(7_000).build()
    const bytes = writeParquet(
      WasmTable.fromIPCStream(tableToIPC(buildSyntheticGreenTripTable('2022-02'), 'stream')),
      properties,
    )
    const path = join(dir, 'trips.parquet')
    writeFileSync(path, bytes)
    const batches: number[] = []
    for await (const { frame } of readSourceBatches([{ path, format: 'parquet' }]))
      batches.push(frame.rowCount)
    expect(batches.length).toBeGreaterThan(1)
    expect(batches.slice(0, -1).every((rows) => rows === 7_000)).toBe(true)
    const { readParquetFile } = await import('../parquet/read-parquet-frame')
    const streamed = await readSourceFrame([path])
    const whole = await readParquetFile(path)
    expect(streamed.names).toEqual(whole.names)
    // Equal cell by cell: the same nulls, the same values where present (what a null slot holds is unspecified).
    const cells = (frame: Frame, name: string): unknown[] => {
      const column = frame.columns[name] as Column
      return Array.from({ length: frame.rowCount }, (_, i) =>
        isNullAt(column, i) ? null : (column as { values: ArrayLike<unknown> }).values[i],
      )
    }
    for (const name of whole.names) {
      expect(streamed.columns[name]?.kind, name).toBe(whole.columns[name]?.kind)
      expect(cells(streamed, name), name).toEqual(cells(whole, name))
    }
  })
  it('refuses a file that is not Parquet, naming it', async () => {
    const path = write('fake.parquet', 'hello, this is text')
    await expect(readSourceFrame([path])).rejects.toThrow(`${path} is not a Parquet file`)
  })
})
