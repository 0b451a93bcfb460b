import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveWindowExplain } from '../../src-main/adapters/postgres/explain-repository'
import { saveDayMetrics } from '../../src-main/adapters/postgres/metrics-repository'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool, withTransaction } from '../../src-main/adapters/postgres/pool'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import type { Frame } from '../../src-main/core/data/frame'
import { explainWindow, prepareExplainReference } from '../../src-main/core/explain/explain-window'
import type { ExplainDocument } from '../../src-main/shared/domain/explain'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'

/** A small project: y = 1 + 2·x − 0.5·z, segmented by a group column, computed by the real core. */
function frame(xs: number[], zs: number[], groups: string[], shift: number): Frame {
  const n = xs.length
  const prediction = Float64Array.from(xs, (x, i) => 1 + 2 * x - 0.5 * (zs[i] as number))
  return {
    rowCount: n,
    names: ['x', 'z', 'group', 'prediction', 'target'],
    columns: {
      x: { kind: 'float64', values: Float64Array.from(xs), valid: null },
      z: { kind: 'float64', values: Float64Array.from(zs), valid: null },
      group: { kind: 'string', values: groups },
      prediction: { kind: 'float64', values: prediction, valid: null },
      target: {
        kind: 'float64',
        values: prediction.map((p, i) => p + shift * (i % 3)),
        valid: null,
      },
    },
  }
}

function document(): ExplainDocument {
  const n = 200
  const xs = Array.from({ length: n }, (_, i) => (i * 7) % 23)
  const zs = Array.from({ length: n }, (_, i) => (i * 5) % 11)
  const groups = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'a' : 'b'))
  const reference = prepareExplainReference(frame(xs, zs, groups, 0.5), {
    project: 'toy',
    predictionColumn: 'prediction',
    targetColumn: 'target',
    numericalFeatures: ['x', 'z'],
    model: { featureOrder: ['x', 'z'], coefficients: [2, -0.5], intercept: 1 },
    segmentColumn: 'group',
  })
  return explainWindow(
    reference,
    frame(
      xs.map((x) => x + 3),
      zs,
      groups,
      1,
    ),
    '2022-02-02',
  )
}

describe('explain tables (migration 0004)', () => {
  let server: TestPostgres
  let pool: DatabasePool

  beforeAll(async () => {
    server = await startTestPostgres()
    pool = createPool(server.url)
    await runMigrations(pool)
  })
  afterAll(async () => {
    await pool.end()
    await server.stop()
  })

  it('stores contributions, outlier shares and segments keyed like daily_metrics, replacing on re-save', async () => {
    const doc = document()
    expect(doc.shift?.contributions[0]).toMatchObject({ feature: 'x', contribution: 6 })
    const provenance = { project: 'toy', source: 'batch' as const }
    await saveWindowExplain(pool, '2022-02-02', doc, provenance)
    await saveWindowExplain(pool, '2022-02-02', doc, provenance)
    const contributions = await pool.query(
      `SELECT feature, contribution, observed_shift, is_estimate FROM prediction_contributions
        WHERE project = 'toy' AND source = 'batch' AND "timestamp" = '2022-02-02' ORDER BY feature`,
    )
    expect(contributions.rows).toEqual([
      { feature: 'x', contribution: 6, observed_shift: 6, is_estimate: false },
      { feature: 'z', contribution: 0, observed_shift: 6, is_estimate: false },
    ])
    const outliers = await pool.query(
      `SELECT column_name, value_count FROM column_outliers WHERE project = 'toy' ORDER BY column_name`,
    )
    expect(outliers.rows.map((r) => r.column_name)).toEqual(['prediction', 'target', 'x', 'z'])
    expect(outliers.rows.every((r) => r.value_count === 200)).toBe(true)
    const segments = await pool.query(
      `SELECT segment, rows, is_worst, mae FROM segment_metrics WHERE project = 'toy' ORDER BY segment`,
    )
    expect(segments.rows.map((r) => [r.segment, r.rows])).toEqual([
      ['a', 100],
      ['b', 100],
    ])
    expect(segments.rows.filter((r) => r.is_worst === true)).toHaveLength(1)
  })

  it('writes nothing of a window whose transaction fails', async () => {
    await expect(
      withTransaction(pool, async (client) => {
        await saveDayMetrics(
          client,
          {
            date: '2022-02-05',
            rows: 1,
            predictionDrift: null,
            numDriftedColumns: null,
            shareOfDriftedColumns: null,
            datasetDrift: null,
            shareMissingValues: null,
            missingByColumn: {},
            mae: null,
            rmse: null,
            columns: [],
          },
          { project: 'toy', referenceMonth: null, runId: null, inputsFingerprint: null },
        )
        await saveWindowExplain(client, '2022-02-05', document(), { project: 'toy' })
        throw new Error('crash after the explanation was written')
      }),
    ).rejects.toThrow('crash')
    const left = await pool.query(
      `SELECT count(*) AS n FROM prediction_contributions WHERE "timestamp" = '2022-02-05'`,
    )
    expect(left.rows[0]).toEqual({ n: '0' })
  })
})
