import type { Queryable } from './pool'

/** One row of the course's `dummy_metrics` table (section 5.5): a timestamp and three random values. */
export interface DummyMetricRow {
  /** `YYYY-MM-DD HH:MM:SS.sss`, the wall-clock time the row was made (timestamp without time zone). */
  readonly timestamp: string
  readonly value1: number
  readonly value2: string
  readonly value3: number
}

export async function insertDummyMetric(db: Queryable, row: DummyMetricRow): Promise<void> {
  await db.query(
    'INSERT INTO dummy_stream ("timestamp", value1, value2, value3) VALUES ($1, $2, $3, $4)',
    [row.timestamp, row.value1, row.value2, row.value3],
  )
}
