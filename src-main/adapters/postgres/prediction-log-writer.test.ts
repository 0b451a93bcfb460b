import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import type { DatabasePool, Queryable } from './pool'
import { createPool } from './pool'
import { readLoggedPredictions } from './prediction-log-repository'
import type { PredictionLogRow } from './prediction-log-writer'
import { PredictionLogClosedError, PredictionLogWriter } from './prediction-log-writer'
import { runMigrations } from './run-migrations'

function row(i: number, record: Record<string, unknown> = { trip_distance: i }): PredictionLogRow {
  return {
    requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)),
    project: 'nyc-taxi',
    eventTime: '2022-03-01T00:00:00',
    record,
    prediction: 0.1 + i / 3,
    modelVersion: 'v-test',
    latencyMs: 0.25,
  }
}

describe('PredictionLogWriter (group commit on a real PostgreSQL)', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  /** The pool, counting the INSERT statements sent through it. */
  let statements = 0
  const counting: Queryable = {
    query: (text, values) => {
      if (text.includes('INSERT INTO prediction_log')) statements++
      return pool.query(text, values)
    },
  }

  beforeAll(async () => {
    postgres = await startTestPostgres()
    pool = createPool(postgres.url)
    await runMigrations(pool)
  })

  afterAll(async () => {
    await pool?.end()
    await postgres?.stop()
  })

  it('commits many concurrent writes in few statements, each promise resolving after its commit', async () => {
    const writer = new PredictionLogWriter(counting, { maxConcurrentStatements: 2 })
    statements = 0
    const rows = Array.from({ length: 500 }, (_, i) => row(i + 1))
    await Promise.all(rows.map((r) => writer.write([r])))
    // Two statements start at once; every later write gathers behind them.
    expect(statements).toBeLessThan(rows.length / 10)
    expect(writer.pendingRows).toBe(0)
    const logged = await readLoggedPredictions(
      pool,
      rows.map((r) => r.requestId),
    )
    expect(logged).toHaveLength(500)
    const byId = new Map(logged.map((l) => [l.requestId, l]))
    for (const r of rows) expect(byId.get(r.requestId)?.prediction).toBe(r.prediction)
    await writer.close()
  })

  it('rejects only the writes of a failed statement, and keeps working after it', async () => {
    const writer = new PredictionLogWriter(counting, { maxConcurrentStatements: 1 })
    await writer.write([row(1001)])
    // A duplicate request id makes its statement fail (primary key).
    await expect(writer.write([row(1001)])).rejects.toThrow(/duplicate key/)
    await writer.write([row(1002)])
    expect(await readLoggedPredictions(pool, [row(1002).requestId])).toHaveLength(1)
    await writer.close()
  })

  it('keeps a null field as JSON null and lists it in missing_fields', async () => {
    const writer = new PredictionLogWriter(pool)
    await writer.write([row(2001, { passenger_count: null, trip_distance: 2, ehail_fee: null })])
    const [logged] = await readLoggedPredictions(pool, [row(2001).requestId])
    expect(logged?.record).toEqual({ passenger_count: null, trip_distance: 2, ehail_fee: null })
    expect(logged?.missingFields).toEqual(['ehail_fee', 'passenger_count'])
    await writer.close()
  })

  it('close() waits for queued rows, then refuses new ones', async () => {
    const writer = new PredictionLogWriter(pool, { maxConcurrentStatements: 1 })
    const writes = Array.from({ length: 50 }, (_, i) => writer.write([row(3000 + i)]))
    await writer.close()
    await Promise.all(writes)
    expect(writer.pendingRows).toBe(0)
    const ids = Array.from({ length: 50 }, (_, i) => row(3000 + i).requestId)
    expect(await readLoggedPredictions(pool, ids)).toHaveLength(50)
    await expect(writer.write([row(3999)])).rejects.toBeInstanceOf(PredictionLogClosedError)
  })
})
