import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticTaxiDataDir } from '../../../test/support/taxi-data'
import { BackfillWorkerPool } from '../../adapters/worker/backfill-worker-pool'
import type { AppConfig } from '../../config/app-config'
import { loadConfig } from '../../config/app-config'
import { ensureTrainedModel, modelPaths } from './model-service'

describe('saving a trained model under concurrency (issue 9: trainings collided on path.PID.tmp)', () => {
  let home: string
  let dataDir: string
  let config: AppConfig
  const file = (): string => join(dataDir, 'green_tripdata_2022-01.parquet')

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-model-'))
    dataDir = await syntheticTaxiDataDir()
    config = loadConfig({}, { homeDir: home, dataDir })
  })

  afterAll(() => rmSync(home, { recursive: true, force: true }))

  it('saves the same month from several calls at once on one thread, leaving no temporary file', async () => {
    const trained = await Promise.all(
      Array.from({ length: 4 }, () =>
        ensureTrainedModel(config, '2022-01', file(), { force: true }),
      ),
    )
    expect(new Set(trained.map((model) => model.fingerprint)).size).toBe(1)
    const { dir } = modelPaths(config, '2022-01')
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'reference.arrow'])
    const loaded = await ensureTrainedModel(config, '2022-01', file())
    expect(loaded.trainedNow).toBe(false)
    expect(loaded.fingerprint).toBe(trained[0]?.fingerprint)
  })

  it('saves the same month from several worker threads of one process at once', async () => {
    const pools = Array.from({ length: 3 }, () => new BackfillWorkerPool(1))
    try {
      const loaded = await Promise.all(
        pools.map((pool) =>
          pool.load({
            config,
            referenceMonth: '2022-01',
            referenceFile: file(),
            monthFile: file(),
            startDate: '2022-01-01',
            days: 1,
            retrain: true,
          }),
        ),
      )
      expect(loaded.every((inputs) => inputs.trainedNow)).toBe(true)
    } finally {
      await Promise.all(pools.map((pool) => pool.close()))
    }
    expect(readdirSync(modelPaths(config, '2022-01').dir).sort()).toEqual([
      'model.json',
      'reference.arrow',
    ])
  })
})
