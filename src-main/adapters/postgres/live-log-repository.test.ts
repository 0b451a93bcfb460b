import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import { feedbackVersion } from './live-log-repository'
import type { DatabasePool } from './pool'
import { createPool } from './pool'
import { storePredictionFeedbackBatch } from './prediction-log-repository'
import { PredictionLogWriter } from './prediction-log-writer'
import { runMigrations } from './run-migrations'

const ID = (k: number): string => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`

describe('feedbackVersion (real PostgreSQL)', () => {
  let postgres: TestPostgres
  let pool: DatabasePool

  beforeAll(async () => {
    postgres = await startTestPostgres()
    pool = createPool(postgres.url)
    await runMigrations(pool)
    const log = new PredictionLogWriter(pool)
    await log.write(
      [1, 2].map((k) => ({
        requestId: ID(k),
        receivedAt: new Date(),
        project: 'shop',
        eventTime: '2024-01-01T00:00:00',
        record: { plan: 'basic' },
        prediction: 1,
        modelVersion: 'm',
        latencyMs: 1,
      })),
    )
    await log.close()
  }, 120_000)

  afterAll(async () => {
    await pool?.end()
    await postgres?.stop()
  })

  it('changes when a replacement commits after a newer insert (pipelined commits), so collect --follow sees it', async () => {
    await storePredictionFeedbackBatch(pool, [{ requestId: ID(1), actual: 'no' }])
    // The replacement's transaction starts first (its received_at = now() is its start time) and
    // commits last, as two group-commit statements in flight can.
    const replacing = await pool.connect()
    try {
      await replacing.query('BEGIN')
      expect(
        await storePredictionFeedbackBatch(replacing, [{ requestId: ID(1), actual: 'yes' }]),
      ).toEqual(['replaced'])
      await storePredictionFeedbackBatch(pool, [{ requestId: ID(2), actual: 'no' }])
      const beforeReplacement = await feedbackVersion(pool)
      await replacing.query('COMMIT')
      // Neither the row count nor the latest received_at moved; the replacement must still show.
      const times = await pool.query<{ request_id: string; newest: boolean }>(
        `SELECT request_id, received_at = max(received_at) OVER () AS newest
           FROM prediction_feedback ORDER BY request_id`,
      )
      expect(times.rows).toEqual([
        { request_id: ID(1), newest: false },
        { request_id: ID(2), newest: true },
      ])
      expect(await feedbackVersion(pool)).not.toBe(beforeReplacement)
    } finally {
      replacing.release()
    }
  })

  it('stays the same while no feedback is written', async () => {
    expect(await feedbackVersion(pool)).toBe(await feedbackVersion(pool))
  })
})
