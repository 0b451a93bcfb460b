import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../config/app-config'
import { locateTripFile, tripFileLocation } from './locate-trip-file'

describe('locateTripFile', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-locate-'))
  })
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  it('looks in the download cache by default', async () => {
    const config = loadConfig({}, { homeDir: home })
    const cacheDir = join(home, 'cache', 'tlc')
    mkdirSync(cacheDir, { recursive: true })
    writeFileSync(join(cacheDir, 'green_tripdata_2022-01.parquet'), 'x')
    await expect(locateTripFile(config, '2022-01')).resolves.toEqual({
      month: '2022-01',
      fileName: 'green_tripdata_2022-01.parquet',
      path: join(cacheDir, 'green_tripdata_2022-01.parquet'),
      source: 'cache',
      folder: cacheDir,
    })
  })

  it('looks only in --data-dir when one is given', async () => {
    const dataDir = join(home, 'my-data')
    mkdirSync(dataDir)
    writeFileSync(join(dataDir, 'green_tripdata_2022-02.parquet'), 'x')
    const config = loadConfig({}, { homeDir: home, dataDir })
    const location = await locateTripFile(config, '2022-02')
    expect(location).toMatchObject({
      source: 'data-dir',
      path: join(dataDir, 'green_tripdata_2022-02.parquet'),
    })
  })

  it('says which file is missing from the cache, where, and how to get it', async () => {
    const config = loadConfig({}, { homeDir: home })
    await expect(locateTripFile(config, '2022-03')).rejects.toMatchObject({
      code: 'DATA_FILE_MISSING',
      message:
        `green_tripdata_2022-03.parquet is not in the download cache ${join(home, 'cache', 'tlc')}: ` +
        'run `npm run driftdesk -- fetch --months 2022-03` to download it, put the file there yourself, ' +
        'or pass --data-dir DIR with a folder that holds it.',
    })
  })

  it('treats a folder with the file name as missing', async () => {
    const dataDir = join(home, 'd')
    mkdirSync(join(dataDir, 'green_tripdata_2022-01.parquet'), { recursive: true })
    const config = loadConfig({}, { homeDir: home, dataDir })
    await expect(locateTripFile(config, '2022-01')).rejects.toMatchObject({
      code: 'DATA_FILE_MISSING',
    })
  })

  it('computes the path without touching the disk', () => {
    const config = loadConfig({}, { homeDir: home })
    expect(tripFileLocation(config, '2024-03').path).toBe(
      join(home, 'cache', 'tlc', 'green_tripdata_2024-03.parquet'),
    )
    expect(() => tripFileLocation(config, '2024-3')).toThrow(/YYYY-MM/)
  })
})
