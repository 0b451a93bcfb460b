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

  it('a row PostgreSQL refuses (February 30th) fails alone: the rows group-committed with it are stored', async () => {
    const writer = new PredictionLogWriter(counting, { maxConcurrentStatements: 2 })
    // Hold the table so the first two statements wait and the next writes gather in a third one.
    const lock = await pool.connect()
    await lock.query('BEGIN')
    await lock.query('LOCK TABLE prediction_log IN SHARE ROW EXCLUSIVE MODE')
    const first = [writer.write([row(4001)]), writer.write([row(4002)])]
    while (writer.pendingRows < 2) await new Promise((resolve) => setTimeout(resolve, 10))
    const poison = { ...row(4003), eventTime: '2022-02-30T00:05:12' }
    const gathered = [row(4004), poison, row(4005), row(4006), row(4007)].map((r) =>
      writer.write([r]).then(
        () => 'stored',
        (error: unknown) => error,
      ),
    )
    while (writer.pendingRows < 7) await new Promise((resolve) => setTimeout(resolve, 10))
    statements = 0
    await lock.query('COMMIT')
    lock.release()
    await Promise.all(first)
    const outcomes = await Promise.all(gathered)
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(4)
    expect(outcomes[1]).toMatchObject({
      code: '22008',
      message: expect.stringMatching(/date\/time field value out of range/),
    })
    const ids = [4001, 4002, 4004, 4005, 4006, 4007].map((i) => row(i).requestId)
    expect(await readLoggedPredictions(pool, ids)).toHaveLength(6)
    expect(await readLoggedPredictions(pool, [poison.requestId])).toHaveLength(0)
    // The failed statement for the five, then halves down to the bad row (two per level): for a large
    // group far fewer statements than one per row.
    expect(statements).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(5)))
    expect(writer.pendingRows).toBe(0)
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
