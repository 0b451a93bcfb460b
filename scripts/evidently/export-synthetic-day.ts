/**
 * Writes one synthetic day (the seeded green-taxi data tests use on a fresh clone) as CSV, so
 * `column_summary_expectations.py` can compute pandas' own describe()/value_counts() on exactly those values.
 *
 *   npx tsx scripts/evidently/export-synthetic-day.ts /tmp/day.csv
 *   /usr/bin/python3 scripts/evidently/column_summary_expectations.py /tmp/day.csv > test/fixtures/evidently/column-summary-synthetic-2022-02-02.json
 *
 * Numbers are written with JavaScript's shortest round-trip form (pandas parses them back bit for bit); nulls
 * are empty cells; timestamps are microseconds since the epoch.
 */
import { writeFileSync } from 'node:fs'
import { readParquetBytes } from '../../src-main/adapters/parquet/read-parquet-frame'
import { isNullAt, takeRows } from '../../src-main/core/data/frame'
import { splitDailyWindows } from '../../src-main/core/pipeline/daily-windows'
import { syntheticTripParquet } from '../../test/support/taxi-data'

const output = process.argv[2]
if (output === undefined) throw new Error('Usage: export-synthetic-day.ts OUTPUT.csv')
const month = readParquetBytes(syntheticTripParquet('2022-02'), 'synthetic 2022-02')
const [window] = splitDailyWindows(month, '2022-02-02', 1)
if (window === undefined) throw new Error('No synthetic rows on 2022-02-02.')
const day = takeRows(month, window.rows)
const lines = [day.names.join(',')]
for (let i = 0; i < day.rowCount; i++) {
  const cells = day.names.map((name) => {
    const column = day.columns[name]
    if (column === undefined || isNullAt(column, i) || column.kind === 'null') return ''
    const value = column.values[i] as number | string
    return typeof value === 'string' ? `"${value.replace(/"/g, '""')}"` : String(value)
  })
  lines.push(cells.join(','))
}
writeFileSync(output, `${lines.join('\n')}\n`)
console.log(`Wrote ${day.rowCount} rows × ${day.names.length} columns to ${output}`)
