import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { taxiDataDir } from '../../../test/support/taxi-data'
import { validateParquetFile } from './validate-parquet-file'

describe('validateParquetFile', () => {
  let work: string
  let good: Buffer
  let goodPath: string

  beforeAll(async () => {
    const { dir } = await taxiDataDir()
    goodPath = join(dir, 'green_tripdata_2022-02.parquet')
    good = readFileSync(goodPath)
    work = mkdtempSync(join(tmpdir(), 'driftdesk-validate-'))
  })
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  const write = (name: string, bytes: Uint8Array | string): string => {
    const path = join(work, name)
    writeFileSync(path, bytes)
    return path
  }

  it('accepts a complete TLC file and reads its row count from the footer', async () => {
    const check = await validateParquetFile(goodPath)
    expect(check).toMatchObject({ ok: true, bytes: good.length, rowGroups: 1 })
    expect(check.ok && check.rows).toBeGreaterThan(5000)
  })

  it('rejects a download cut in the middle', async () => {
    const check = await validateParquetFile(
      write('cut.parquet', good.subarray(0, good.length >> 1)),
    )
    expect(check).toEqual({
      ok: false,
      bytes: good.length >> 1,
      problem: 'it does not end with PAR1, so it was cut short',
    })
  })

  it('rejects an HTML error page and shows how it starts', async () => {
    const check = await validateParquetFile(
      write('page.parquet', '<!DOCTYPE html>\n<html><body>403 Forbidden</body></html>'),
    )
    expect(check.ok).toBe(false)
    expect(!check.ok && check.problem).toMatch(
      /^it does not start with PAR1 but with '<!DOCTYPE html> <html><body>403'… \(text, not Parquet/,
    )
  })

  it('rejects a file too small to be Parquet, and an empty one', async () => {
    expect(await validateParquetFile(write('tiny.parquet', 'PAR1PAR1'))).toMatchObject({
      ok: false,
      bytes: 8,
    })
    expect(await validateParquetFile(write('empty.parquet', ''))).toMatchObject({
      ok: false,
      problem: 'it has only 0 bytes, too few for a Parquet file',
    })
  })

  it('rejects a footer length that points outside the file', async () => {
    const bytes = Buffer.from(good)
    bytes.writeUInt32LE(good.length, good.length - 8)
    const check = await validateParquetFile(write('long-footer.parquet', bytes))
    expect(!check.ok && check.problem).toMatch(/footer length .* does not fit/)
  })

  it('rejects a footer that does not parse', async () => {
    const bytes = Buffer.from(good)
    const footerLength = bytes.readUInt32LE(bytes.length - 8)
    bytes.fill(0xff, bytes.length - 8 - footerLength, bytes.length - 8)
    const check = await validateParquetFile(write('garbage-footer.parquet', bytes))
    expect(!check.ok && check.problem).toMatch(/^its footer cannot be read/)
  })

  it('rejects row groups that claim more bytes than precede the footer', async () => {
    // Keep the real footer but drop 100 kB of column data in front of it: the magic and footer still look fine.
    const footerLength = good.readUInt32LE(good.length - 8)
    const footerStart = good.length - 8 - footerLength
    const bytes = Buffer.concat([
      good.subarray(0, footerStart - 100_000),
      good.subarray(footerStart),
    ])
    const check = await validateParquetFile(write('short-data.parquet', bytes))
    // pyarrow's files (the TLC's) fail the size check; parquet-wasm's own files (the synthetic ones) also
    // carry page indexes whose offsets now point past the data, so the footer read itself fails first.
    expect(!check.ok && check.problem).toMatch(
      /row groups claim \d+ bytes but only \d+ precede the footer|footer cannot be read/,
    )
  })

  it('throws for a path that does not exist (callers decide what missing means)', async () => {
    await expect(validateParquetFile(join(work, 'nope.parquet'))).rejects.toMatchObject({
      code: 'ENOENT',
    })
  })
})
