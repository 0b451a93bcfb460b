import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { readParquetFile } from '../src-main/adapters/parquet/read-parquet-frame'
import { getNumericColumn, isNullAt } from '../src-main/core/data/frame'
import { tripDurationsMinutes } from '../src-main/core/pipeline/trip-durations'
import { taxiDataDir } from '../test/support/taxi-data'
import { RIDE, RUNS, SECONDS } from './prediction-service.bench'

const here = dirname(fileURLToPath(import.meta.url))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * The anchor of the prediction-service bench: the course's deployment-module service (Flask +
 * scikit-learn under gunicorn, bench/flask-anchor/predict.py), loaded with the same autocannon settings
 * as `prediction-service.bench.ts` (the same whole-trip body, 50 connections for the throughput run, a
 * fixed 1,000 requests/s for latency, medians of 3 × 10 s). Debian's python3-flask, python3-sklearn and
 * gunicorn, run by /usr/bin/python3. It fits the course's DictVectorizer + LinearRegression (PU_DO,
 * trip_distance) on January's trips of 1-60 minutes, as module 04 does, and logs nothing.
 */
export default async function benchPredictionAnchor(): Promise<void> {
  const data = await taxiDataDir()
  const folder = mkdtempSync(join(tmpdir(), 'driftdesk-bench-anchor-'))
  const january = await readParquetFile(join(data.dir, 'green_tripdata_2022-01.parquet'))
  const durations = tripDurationsMinutes(january)
  const pu = getNumericColumn(january, 'PULocationID')
  const dox = getNumericColumn(january, 'DOLocationID')
  const distance = getNumericColumn(january, 'trip_distance')
  const lines: string[] = []
  for (let i = 0; i < january.rowCount; i++) {
    const minutes = durations.values[i] as number
    if (isNullAt(durations, i) || minutes < 1 || minutes > 60) continue
    lines.push(
      JSON.stringify({
        PULocationID: pu.values[i],
        DOLocationID: dox.values[i],
        trip_distance: distance.values[i],
        duration: minutes,
      }),
    )
  }
  const trainRows = join(folder, 'train.jsonl')
  writeFileSync(trainRows, `${lines.join('\n')}\n`)
  try {
    for (const workers of [1, 2]) {
      const port = await freePort()
      const gunicorn = spawn(
        '/usr/bin/python3',
        ['-m', 'gunicorn', `--workers=${workers}`, `--bind=127.0.0.1:${port}`, 'predict:app'],
        {
          cwd: join(here, 'flask-anchor'),
          env: { ...process.env, TRAIN_ROWS: trainRows },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      )
      let stderr = ''
      gunicorn.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      try {
        const url = `http://127.0.0.1:${port}/predict`
        const deadline = Date.now() + 120_000
        for (;;) {
          const ok = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(RIDE),
          }).then(
            (response) => response.ok,
            () => false,
          )
          if (ok) break
          if (Date.now() > deadline || gunicorn.exitCode !== null)
            throw new Error(`the Flask anchor did not start: ${stderr.slice(-500)}`)
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
        const load = (options: Partial<autocannon.Options>): Promise<autocannon.Result> =>
          autocannon({
            url,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(RIDE),
            duration: SECONDS,
            connections: 50,
            ...options,
          })
        await load({ duration: 3 })
        const singleRuns: autocannon.Result[] = []
        const paced: autocannon.Result[] = []
        for (let run = 0; run < RUNS; run++) {
          singleRuns.push(await load({}))
          paced.push(await load({ overallRate: 1000 }))
        }
        const median = (values: number[]): number =>
          values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
        const failures = [...singleRuns, ...paced].reduce(
          (sum, result) => sum + result.non2xx + result.errors + result.timeouts,
          0,
        )
        console.log(
          `Flask + scikit-learn anchor, gunicorn ${workers} worker(s): single ride, 50 connections: ${median(singleRuns.map((r) => r.requests.average)).toFixed(0)} requests/s (runs: ${singleRuns.map((r) => r.requests.average.toFixed(0)).join(', ')})`,
        )
        console.log(
          `  at 1,000 requests/s: p50 ${median(paced.map((r) => r.latency.p50))} ms, p99 ${median(paced.map((r) => r.latency.p99))} ms, achieved ${median(paced.map((r) => r.requests.average)).toFixed(0)} requests/s (runs p99: ${paced.map((r) => r.latency.p99).join(', ')} ms); non-2xx, errors and timeouts: ${failures}`,
        )
      } finally {
        gunicorn.kill('SIGTERM')
        await new Promise((resolve) => gunicorn.once('exit', resolve))
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
