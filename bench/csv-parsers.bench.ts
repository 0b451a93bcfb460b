import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parse as fastCsvParse } from '@fast-csv/parse'
import { parse as csvParse } from 'csv-parse'
import Papa from 'papaparse'
import { readSourceFrame } from '../src-main/adapters/sources/table-source'

/**
 * How fast each well-kept CSV parser turns a generated 1M-row × 12-column prediction log into raw string
 * fields (arrays per row, no header objects), streamed from disk. This is the measurement behind the choice
 * of the CSV source's parser (src-main/adapters/sources/csv-source.ts); medians of 3 runs per parser.
 */
const ROWS = Number(process.env.CSV_BENCH_ROWS ?? 1_000_000)

function generate(path: string): void {
  const lines = ['ts,f1,f2,f3,f4,f5,i1,i2,city,flag,target,prediction']
  let seed = 42
  const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647
  const cities = ['Berlin', 'Lagos', 'Lima', 'Osaka', 'Quito', 'Riga']
  const start = Date.UTC(2024, 0, 1)
  for (let i = 0; i < ROWS; i++) {
    const ts = new Date(start + i * 31_000).toISOString().slice(0, 19)
    lines.push(
      [
        ts,
        (random() * 100).toFixed(6),
        (random() * 10).toFixed(4),
        random() < 0.05 ? '' : (random() * 1e3).toFixed(2),
        random().toString(),
        (random() * -5).toFixed(3),
        Math.floor(random() * 50),
        Math.floor(random() * 5),
        cities[Math.floor(random() * cities.length)],
        random() < 0.5 ? 'True' : 'False',
        (random() * 30).toFixed(3),
        (random() * 30).toFixed(6),
      ].join(','),
    )
  }
  writeFileSync(path, lines.join('\n') + '\n')
}

type Parser = (path: string) => Promise<number>

const parsers: Record<string, Parser> = {
  'csv-parse': (path) =>
    new Promise((resolve, reject) => {
      let rows = 0
      createReadStream(path)
        .pipe(csvParse({ relax_column_count: false }))
        .on('data', () => rows++)
        .on('end', () => resolve(rows))
        .on('error', reject)
    }),
  papaparse: (path) =>
    new Promise((resolve, reject) => {
      let rows = 0
      Papa.parse(createReadStream(path), {
        chunk: (result: Papa.ParseResult<unknown>) => {
          rows += result.data.length
        },
        complete: () => resolve(rows),
        error: reject,
        skipEmptyLines: true,
      })
    }),
  'fast-csv': (path) =>
    new Promise((resolve, reject) => {
      let rows = 0
      createReadStream(path)
        .pipe(fastCsvParse())
        .on('data', () => rows++)
        .on('end', () => resolve(rows))
        .on('error', reject)
    }),
}

export default async function benchCsvParsers(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'driftdesk-csv-bench-'))
  try {
    const path = join(dir, 'log.csv')
    generate(path)
    const megabytes = statSync(path).size / 1e6
    console.log(`generated ${ROWS} rows × 12 columns, ${megabytes.toFixed(0)} MB`)
    for (const [name, parse] of Object.entries(parsers)) {
      const times: number[] = []
      let rows = 0
      for (let run = 0; run < 3; run++) {
        const t0 = performance.now()
        rows = await parse(path)
        times.push((performance.now() - t0) / 1000)
      }
      times.sort((a, b) => a - b)
      const median = times[1] as number
      console.log(
        `${name.padEnd(10)} median ${median.toFixed(2)} s  (${Math.round(ROWS / median).toLocaleString('en')} rows/s, ${rows} records incl. header)`,
      )
    }
    // The whole CSV source: papaparse plus per-column typing into a columnar frame.
    const times: number[] = []
    let rows = 0
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now()
      rows = (await readSourceFrame([path])).rowCount
      times.push((performance.now() - t0) / 1000)
    }
    times.sort((a, b) => a - b)
    const median = times[1] as number
    console.log(
      `driftdesk CSV source (papaparse + typing into columns) median ${median.toFixed(2)} s  (${Math.round(rows / median).toLocaleString('en')} rows/s)`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
