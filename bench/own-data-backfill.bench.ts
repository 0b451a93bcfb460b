import { spawn } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import {
  Int64,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow'
import {
  Compression,
  Table as WasmTable,
  transformParquetStream,
  WriterPropertiesBuilder,
} from 'parquet-wasm'
import { listSourceFiles, readSourceBatches } from '../src-main/adapters/sources/table-source'
import { createWindowStream } from '../src-main/core/data/window-stream'
import { parseWindowSpec } from '../src-main/core/data/windows'
import { startTestPostgres } from '../test/support/postgres'

/**
 * Issue 11's scale goal: `backfill --project` over a generated prediction log of 10,000,000 rows × 12 columns
 * (a timestamp, 7 numerical, 3 categorical strings, target and prediction; a year of daily windows, sorted
 * by time) against a 100,000-row reference, as Parquet and as CSV: the whole command as a child process
 * (goal ≤ 20 s and peak RSS ≤ 1.5 GB on 2 cores), rows per second, and where the time goes (read alone,
 * read + cut windows, compute = the rest; plus a CPU profile's top functions).
 *
 * The data is generated once into a cache folder (tmpdir/driftdesk-bench-own-data-v1; ~1.5 GB with the CSV)
 * and reused. ROWS=N in the environment shrinks the log for a quick look; RUNS=N sets the runs per format
 * (default 3); WORKERS=N the compute threads; GENERATE_ONLY=1 only fills the cache; PROFILE=0 skips the CPU
 * profile.
 */
const ROWS = Number(process.env.ROWS ?? 10_000_000)
const REFERENCE_ROWS = 100_000
const BATCH_ROWS = 250_000
const GOAL_SECONDS = 20
const GOAL_RSS_MB = 1536
const RUNS = Number(process.env.RUNS ?? 3)
/** WORKERS=N: the backfill's compute threads (`--workers N`); default: the command's (one per core). */
const FORMATS = (process.env.FORMATS ?? 'parquet,csv')
  .split(',')
  .filter((f): f is 'parquet' | 'csv' => f === 'parquet' || f === 'csv')
const WORKER_ARGS = process.env.WORKERS === undefined ? [] : ['--workers', process.env.WORKERS]
const YEAR_START_US = Date.UTC(2023, 0, 1) * 1000
const YEAR_US = 365 * 86_400e6

const REGIONS = [
  'north',
  'south',
  'east',
  'west',
  'centre',
  'coast',
  'hills',
  'lakes',
  'plains',
  'islands',
]
const DEVICES = ['ios', 'android', 'web', 'kiosk']
const PLANS = Array.from({ length: 40 }, (_, i) => `plan-${String(i).padStart(2, '0')}`)

/** A seeded PRNG (mulberry32): the data is the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Columns {
  ts: Float64Array
  amount: Float64Array
  distance: Float64Array
  duration: Float64Array
  score: Float64Array
  rating: Float64Array
  items: Float64Array
  region: string[]
  device: string[]
  plan: string[]
  target: Float64Array
  prediction: Float64Array
}

/** Rows [first, first + n) of a log of `total` rows spread evenly (sorted) over 2023; drift grows in time. */
function generate(
  first: number,
  n: number,
  total: number,
  random: () => number,
  withTime: boolean,
): Columns {
  const c: Columns = {
    ts: new Float64Array(n),
    amount: new Float64Array(n),
    distance: new Float64Array(n),
    duration: new Float64Array(n),
    score: new Float64Array(n),
    rating: new Float64Array(n),
    items: new Float64Array(n),
    region: new Array<string>(n),
    device: new Array<string>(n),
    plan: new Array<string>(n),
    target: new Float64Array(n),
    prediction: new Float64Array(n),
  }
  for (let i = 0; i < n; i++) {
    const row = first + i
    const t = withTime ? Math.floor((row / total) * YEAR_US) : 0
    const shift = withTime ? row / total : 0
    c.ts[i] = YEAR_START_US + t
    const distance = -Math.log(1 - random()) * (3 + shift)
    c.distance[i] = Math.round(distance * 100) / 100
    c.duration[i] = Math.round((distance * 3 + random() * 10) * 10) / 10
    c.amount[i] = Math.round((2.5 + distance * 2.1 + random() * 3) * 100) / 100
    c.score[i] = random() * 2 - 1 + shift * 0.3
    c.rating[i] = 1 + Math.floor(random() * 5)
    c.items[i] = Math.floor(-Math.log(1 - random()) * 3)
    c.region[i] = REGIONS[Math.floor(random() * random() * REGIONS.length)] as string
    c.device[i] = DEVICES[Math.floor(random() * DEVICES.length)] as string
    c.plan[i] = PLANS[Math.floor(random() * PLANS.length)] as string
    c.target[i] = c.duration[i]! + (random() - 0.5) * 4
    c.prediction[i] = c.duration[i]! * (1 + shift * 0.1)
  }
  return c
}

/** The 12 columns: a timestamp, 6 numerical (4 float, 2 integer), 3 categorical strings, target, prediction. */
const NAMES = [
  'ts',
  'amount',
  'distance',
  'duration',
  'score',
  'rating',
  'items',
  'region',
  'device',
  'plan',
  'target',
  'prediction',
] as const

function arrowTable(c: Columns, withTime: boolean): Table {
  const float = (values: Float64Array) => makeVector(values)
  const int = (values: Float64Array) =>
    makeVector(
      makeData({
        type: new Int64(),
        length: values.length,
        data: BigInt64Array.from(values, (v) => BigInt(v)),
      }),
    )
  const columns: Record<string, unknown> = {
    ...(withTime
      ? {
          ts: makeVector(
            makeData({
              type: new TimestampMicrosecond(),
              length: c.ts.length,
              data: BigInt64Array.from(c.ts, (v) => BigInt(v)),
            }),
          ),
        }
      : {}),
    amount: float(c.amount),
    distance: float(c.distance),
    duration: float(c.duration),
    score: float(c.score),
    rating: int(c.rating),
    items: int(c.items),
    region: vectorFromArray(c.region, new Utf8()),
    device: vectorFromArray(c.device, new Utf8()),
    plan: vectorFromArray(c.plan, new Utf8()),
    target: float(c.target),
    prediction: float(c.prediction),
  }
  return new Table(columns as never)
}

function csvChunk(c: Columns): string {
  const lines: string[] = []
  for (let i = 0; i < c.ts.length; i++) {
    const ts = new Date(Math.floor(c.ts[i]! / 1000)).toISOString()
    lines.push(
      `${ts.slice(0, 10)} ${ts.slice(11, 19)},${c.amount[i]},${c.distance[i]},${c.duration[i]},${c.score[i]},${c.rating[i]},${c.items[i]},${c.region[i]},${c.device[i]},${c.plan[i]},${c.target[i]},${c.prediction[i]}`,
    )
  }
  return `${lines.join('\n')}\n`
}

async function writeParquetFile(
  path: string,
  total: number,
  seed: number,
  withTime: boolean,
): Promise<void> {
  const random = rng(seed)
  let first = 0
  const batches = new ReadableStream({
    pull(controller) {
      if (first >= total) {
        controller.close()
        return
      }
      const n = Math.min(BATCH_ROWS, total - first)
      const table = arrowTable(generate(first, n, total, random, withTime), withTime)
      first += n
      for (const batch of WasmTable.fromIPCStream(tableToIPC(table, 'stream')).recordBatches())
        controller.enqueue(batch)
    },
  })
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(BATCH_ROWS)
    .build()
  const bytes = await transformParquetStream(batches, properties)
  await bytes.pipeTo(Writable.toWeb(createWriteStream(path)) as WritableStream)
}

async function writeCsvFile(
  path: string,
  total: number,
  seed: number,
  withTime: boolean,
): Promise<void> {
  const random = rng(seed)
  const out = createWriteStream(path)
  const write = (text: string): Promise<void> =>
    new Promise((resolveWrite) =>
      out.write(text) ? resolveWrite() : out.once('drain', resolveWrite),
    )
  await write(`${(withTime ? NAMES : NAMES.slice(1)).join(',')}\n`)
  for (let first = 0; first < total; first += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, total - first)
    let chunk = csvChunk(generate(first, n, total, random, withTime))
    if (!withTime) chunk = chunk.replace(/^[^,]*,/gm, '')
    await write(chunk)
  }
  await new Promise<void>((resolveEnd) => out.end(resolveEnd))
}

/** The cached data set: generated once (published by renaming a complete folder). */
async function dataset(): Promise<string> {
  const dir = join(tmpdir(), `driftdesk-bench-own-data-v1-${ROWS}`)
  if (existsSync(join(dir, 'done'))) return dir
  const staging = `${dir}.staging-${process.pid}`
  mkdirSync(staging, { recursive: true })
  const started = performance.now()
  console.log(
    `generating ${ROWS} current rows and ${REFERENCE_ROWS} reference rows into ${dir} (once)…`,
  )
  await writeParquetFile(join(staging, 'reference.parquet'), REFERENCE_ROWS, 1, false)
  await writeParquetFile(join(staging, 'current.parquet'), ROWS, 2, true)
  await writeCsvFile(join(staging, 'reference.csv'), REFERENCE_ROWS, 1, false)
  await writeCsvFile(join(staging, 'current.csv'), ROWS, 2, true)
  writeFileSync(join(staging, 'done'), '')
  rmSync(dir, { recursive: true, force: true })
  renameSync(staging, dir)
  console.log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return dir
}

function projectFile(dir: string, format: 'parquet' | 'csv', home: string): string {
  const path = join(home, `bench-${format}.yaml`)
  writeFileSync(
    path,
    [
      `name: bench-${format}`,
      `reference: ${join(dir, `reference.${format}`)}`,
      `current: ${join(dir, `current.${format}`)}`,
      'mapping: {target: target, prediction: prediction}',
      'window: {column: ts, every: 1d}',
      '',
    ].join('\n'),
  )
  return path
}

/** The whole command as a child process under /usr/bin/time: wall seconds and peak RSS (MB). */
async function timeCommand(
  args: readonly string[],
  extraNodeArgs: readonly string[] = [],
): Promise<{
  seconds: number
  rssMb: number
  /** User + system CPU seconds of the whole process (every thread). */
  cpuSeconds: number
  code: number | null
  stderr: string
  windows: number
}> {
  const repo = resolve(import.meta.dirname, '..')
  const started = performance.now()
  const child = spawn(
    '/usr/bin/time',
    [
      '-f',
      'peak-rss-kb %M cpu-s %U %S',
      process.execPath,
      ...extraNodeArgs,
      '--import',
      'tsx',
      'src-main/cli/main.ts',
      ...args,
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit))
  const seconds = (performance.now() - started) / 1000
  const rss = /peak-rss-kb (\d+)/.exec(stderr)
  const cpu = /cpu-s ([\d.]+) ([\d.]+)/.exec(stderr)
  return {
    seconds,
    rssMb: rss === null ? Number.NaN : Number(rss[1]) / 1024,
    cpuSeconds: cpu === null ? Number.NaN : Number(cpu[1]) + Number(cpu[2]),
    code,
    stderr,
    windows: stdout.split('\n').filter((line) => line.startsWith('{')).length,
  }
}

/** One pass in this process (no compute, no database): time reading batches and time cutting windows. */
async function phases(
  dir: string,
  format: 'parquet' | 'csv',
): Promise<{ readS: number; cutS: number }> {
  const files = await listSourceFiles([join(dir, `current.${format}`)])
  const options = { declaredTypes: { ts: 'timestamp' as const } }
  const stream = createWindowStream(parseWindowSpec('1d', 'ts'))
  let cutMs = 0
  const started = performance.now()
  for await (const { frame } of readSourceBatches(files, options)) {
    const before = performance.now()
    stream.push(frame)
    cutMs += performance.now() - before
  }
  stream.finish()
  const totalMs = performance.now() - started
  return { readS: (totalMs - cutMs) / 1000, cutS: cutMs / 1000 }
}

/** The top self-time functions of a V8 CPU profile. */
function topFunctions(profilePath: string, count: number): string[] {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as {
    nodes: {
      id: number
      callFrame: { functionName: string; url: string; lineNumber: number }
      hitCount?: number
    }[]
    startTime: number
    endTime: number
    samples: number[]
  }
  const total = profile.samples.length
  const byName = new Map<string, number>()
  for (const node of profile.nodes) {
    const file = node.callFrame.url.split('/').slice(-2).join('/')
    const name = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`
    byName.set(name, (byName.get(name) ?? 0) + (node.hitCount ?? 0))
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)} %  ${name}`)
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export default async function benchOwnDataBackfill(): Promise<void> {
  const dir = await dataset()
  if (process.env.GENERATE_ONLY === '1') return
  const server = await startTestPostgres()
  const home = await mkdtemp(join(tmpdir(), 'driftdesk-bench-own-home-'))
  try {
    for (const format of FORMATS) {
      const size = statSync(join(dir, `current.${format}`)).size / 1024 ** 2
      console.log(
        `\nbackfill --project of ${ROWS} rows × 12 columns (${format}, ${size.toFixed(0)} MB), 1d windows, vs ${REFERENCE_ROWS} reference rows; ${RUNS} run(s), medians:`,
      )
      const project = projectFile(dir, format, home)
      const runs = []
      for (let i = 0; i < RUNS; i++) {
        const run = await timeCommand([
          'backfill',
          '--project',
          project,
          '--force',
          '--json',
          '--database-url',
          server.url,
          '--home',
          home,
          ...WORKER_ARGS,
        ])
        if (run.code !== 0)
          throw new Error(`backfill exited ${run.code}: ${run.stderr.slice(-2000)}`)
        runs.push(run)
      }
      const seconds = median(runs.map((r) => r.seconds))
      const rss = median(runs.map((r) => r.rssMb))
      const cpu = median(runs.map((r) => r.cpuSeconds))
      console.log(
        `  whole command: ${seconds.toFixed(2)} s (runs: ${runs.map((r) => r.seconds.toFixed(2)).join(', ')}; goal ≤ ${GOAL_SECONDS} s${seconds <= GOAL_SECONDS ? ', met' : ', MISSED'})`,
      )
      console.log(
        `  peak RSS: ${rss.toFixed(0)} MB (goal ≤ ${GOAL_RSS_MB} MB${rss <= GOAL_RSS_MB ? ', met' : ', MISSED'})`,
      )
      console.log(
        `  ${(ROWS / seconds / 1e6).toFixed(2)} M rows/s; ${runs[0]?.windows} windows stored`,
      )
      console.log(
        `  CPU (user + sys, every thread): ${cpu.toFixed(1)} s, so ≥ ${(cpu / 2).toFixed(1)} s of wall on 2 free cores (machine load average now ${loadavg()[0]?.toFixed(1)})`,
      )
      const { readS, cutS } = await phases(dir, format)
      console.log(
        `  what dominates: the command's own thread reads + decodes (${readS.toFixed(2)} s in one pass in process) and cuts windows (${cutS.toFixed(2)} s), then hands each window to the compute threads and stores the results in order; compute runs beside it, so the wall is at least the larger of that thread's work and the CPU over the cores`,
      )
    }
    if (process.env.PROFILE !== '0') {
      const profileDir = await mkdtemp(join(tmpdir(), 'driftdesk-bench-profile-'))
      const run = await timeCommand(
        [
          'backfill',
          '--project',
          projectFile(dir, 'parquet', home),
          '--force',
          '--database-url',
          server.url,
          '--home',
          home,
        ],
        ['--cpu-prof', '--cpu-prof-dir', profileDir],
      )
      const { readdirSync } = await import('node:fs')
      // Node writes one profile per thread: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0
      // is the command's own, the compute workers are the largest of the others (tsx's loader is tiny).
      const profiles = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))
      const main = profiles.find((name) => name.split('.')[4] === '0')
      const workers = profiles
        .filter((name) => name !== main)
        .map((name) => ({ name, size: statSync(join(profileDir, name)).size }))
        .sort((a, b) => b.size - a.size)
      if (run.code === 0 && main !== undefined) {
        console.log(
          "\nCPU profile of the Parquet backfill (the command's own thread), top self time:",
        )
        for (const line of topFunctions(join(profileDir, main), 15)) console.log(`  ${line}`)
      }
      if (run.code === 0 && workers[0] !== undefined) {
        console.log('\nCPU profile of one compute worker thread, top self time:')
        for (const line of topFunctions(join(profileDir, workers[0].name), 10))
          console.log(`  ${line}`)
      }
      await rm(profileDir, { recursive: true, force: true })
    }
  } finally {
    await server.stop()
    await rm(home, { recursive: true, force: true })
  }
}
