import { saveColumnMetrics } from '../../adapters/postgres/column-metrics-repository'
import type { Queryable } from '../../adapters/postgres/pool'
import { withTransaction } from '../../adapters/postgres/pool'
import type { DatabasePool } from '../../adapters/postgres/pool'
import { readTripFile } from '../../adapters/parquet/read-parquet-frame'
import { takeRows } from '../../core/data/frame'
import { splitDailyWindows } from '../../core/pipeline/daily-windows'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { WindowMetricSpec, WindowMetricValue } from '../../core/quality/window-column-metric'
import { windowColumnMetric } from '../../core/quality/window-column-metric'

/** One course day's extra metrics, as stored. */
export interface CourseDayExtraMetrics {
  readonly date: string
  readonly rows: number
  readonly values: readonly WindowMetricValue[]
}

/**
 * The course project's extra per-day metrics (`backfill --month 2024-03 --metric quantile:fare_amount:0.5`,
 * the 2024 homework's ColumnQuantileMetric per day): computed on the very rows the course's daily job takes
 * for a day (every trip of the month file with `day ≤ lpep_pickup_datetime < day + 1`, unfiltered, as the
 * homework's notebook slices the raw file) and stored in `column_metrics` under project `nyc-taxi`, source
 * `batch`, one transaction per day, replacing only the metrics asked for. Runs after the course's own backfill; its numbers do not change.
 * @throws {ParquetReadError} when the month file cannot be read.
 */
export async function storeCourseExtraMetrics(
  pool: DatabasePool,
  monthFile: string,
  startDate: string,
  days: number,
  specs: readonly WindowMetricSpec[],
): Promise<CourseDayExtraMetrics[]> {
  const month = await readTripFile(monthFile)
  const out: CourseDayExtraMetrics[] = []
  for (const window of splitDailyWindows(month, startDate, days)) {
    const frame = takeRows(month, window.rows)
    const values = specs.flatMap((spec) => windowColumnMetric(frame, spec))
    await withTransaction(pool, (client: Queryable) =>
      saveColumnMetrics(
        client,
        { project: COURSE_PROJECT, source: 'batch', window: window.date },
        values,
        'listed',
      ),
    )
    out.push({ date: window.date, rows: frame.rowCount, values })
  }
  return out
}
