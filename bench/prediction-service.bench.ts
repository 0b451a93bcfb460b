import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { createPool } from '../src-main/adapters/postgres/pool'
import { loadConfig } from '../src-main/config/app-config'
import { ensureTrainedModel } from '../src-main/services/model/model-service'
import { startTestPostgres } from '../test/support/postgres'
import { startCli } from '../test/support/run-cli'
import { taxiDataDir } from '../test/support/taxi-data'
import type { PacedLoadResult } from './paced-load'
import { runPacedLoad } from './paced-load'

/** A whole TLC green-trip record, as a replay would send it. */
export const RIDE = {
  VendorID: 2,
  lpep_pickup_datetime: '2022-02-01T00:05:12',
  lpep_dropoff_datetime: '2022-02-01T00:17:40',
  store_and_fwd_flag: 'N',
  RatecodeID: 1,
  PULocationID: 74,
  DOLocationID: 75,
  passenger_count: 1,
  trip_distance: 2.1,
  fare_amount: 9.5,
  extra: 0.5,
  mta_tax: 0.5,
  tip_amount: 2.06,
  tolls_amount: 0,
  ehail_fee: null,
  improvement_surcharge: 0.3,
  total_amount: 12.86,
  payment_type: 1,
  trip_type: 1,
  congestion_surcharge: 0,
}
const BATCH_RIDES = 100
export const SECONDS = 10
export const RUNS = 3

/**
 * The prediction service under load (README, "Prediction service"): the real `serve` command in its own
 * process, logging every prediction to an embedded PostgreSQL, driven by autocannon over loopback from
 * this process. Four scenarios, each run three times in turn; medians printed, with the load average:
 * - single-ride requests as fast as they are answered (requests/s);
 * - batches of 100 rides (predictions/s);
 * - single-ride requests at 1,000 requests/s evenly paced, open loop (latency p50/p90/p99 from each
 *   request's due time: the goal), with the CPU the service and PostgreSQL spent per request
 *   and the requests each log commit carried;
 * - autocannon's `overallRate: 1000`, which is not even pacing but a burst of 1,000 requests by 50
 *   connections at each second's start (see bench/paced-load.ts); printed as autocannon reports it
 *   (its coordinated-omission correction assumes a 1 ms interval) and without that correction.
 */
export default async function benchPredictionService(): Promise<void> {
  const [postgres, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
  const home = mkdtempSync(join(tmpdir(), 'driftdesk-bench-serve-'))
  await ensureTrainedModel(
    loadConfig({}, { homeDir: home }),
    '2022-01',
    join(data.dir, 'green_tripdata_2022-01.parquet'),
  )
  const cli = startCli(['serve', '--home', home, '--database-url', postgres.url, '--port', '0'])
  try {
    const deadline = Date.now() + 120_000
    let base: string | undefined
    while (base === undefined) {
      base = /Listening on (http:\/\/\S+)/.exec(cli.stdout())?.[1]
      if (Date.now() > deadline) throw new Error('serve did not start')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const single = JSON.stringify(RIDE)
    const batch = JSON.stringify(Array.from({ length: BATCH_RIDES }, () => RIDE))
    const load = (body: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> =>
      autocannon({
        url: `${base}/predict`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duration: SECONDS,
        connections: 50,
        ...options,
      })
    // Warm-up: JIT, pool connections, the first autovacuum of a fresh table.
    await load(single, { duration: 3 })

    const pool = createPool(postgres.url, { max: 1 })
    const usage = await cpuUsage(pool, cli.child.pid as number)
    const singleRuns: autocannon.Result[] = []
    const batchRuns: autocannon.Result[] = []
    const paced: (PacedLoadResult & { serveUs: number; postgresUs: number; perCommit: number })[] =
      []
    const bursts: autocannon.Result[] = []
    const rawBursts: autocannon.Result[] = []
    const loads: number[] = []
    for (let run = 0; run < RUNS; run++) {
      loads.push(loadavg()[0] as number)
      singleRuns.push(await load(single, {}))
      batchRuns.push(await load(batch, { connections: 16 }))
      const before = await usage()
      const result = await runPacedLoad({
        url: `${base}/predict`,
        body: single,
        ratePerSecond: 1000,
        durationSeconds: SECONDS,
      })
      const after = await usage()
      paced.push({
        ...result,
        serveUs: ((after.serveMs - before.serveMs) * 1000) / result.sent,
        postgresUs: ((after.postgresMs - before.postgresMs) * 1000) / result.sent,
        perCommit: result.sent / (after.commits - before.commits),
      })
      bursts.push(await load(single, { overallRate: 1000 }))
      rawBursts.push(await load(single, { overallRate: 1000, ignoreCoordinatedOmission: true }))
      loads.push(loadavg()[0] as number)
    }
    const failures =
      [...singleRuns, ...batchRuns, ...bursts, ...rawBursts].reduce(
        (sum, result) => sum + result.non2xx + result.errors + result.timeouts,
        0,
      ) + paced.reduce((sum, result) => sum + result.failed, 0)
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
    const ms = (value: number): string => value.toFixed(1)
    console.log(
      `load average (1 min) during the runs: ${loads.map((value) => value.toFixed(1)).join(', ')} on ${cpuCount()} cores`,
    )
    console.log(
      `single ride, 50 connections: ${median(singleRuns.map((r) => r.requests.average)).toFixed(0)} requests/s (median of ${RUNS} × ${SECONDS} s; runs: ${singleRuns.map((r) => r.requests.average.toFixed(0)).join(', ')})`,
    )
    console.log(
      `batches of ${BATCH_RIDES} rides, 16 connections: ${median(batchRuns.map((r) => r.requests.average * BATCH_RIDES)).toFixed(0)} predictions/s (runs: ${batchRuns.map((r) => (r.requests.average * BATCH_RIDES).toFixed(0)).join(', ')})`,
    )
    console.log(
      `single ride at 1,000 requests/s evenly paced (open loop): p50 ${ms(median(paced.map((r) => r.p50)))} ms, p90 ${ms(median(paced.map((r) => r.p90)))} ms, p99 ${ms(median(paced.map((r) => r.p99)))} ms, achieved ${median(paced.map((r) => r.requestsPerSecond)).toFixed(0)} requests/s (runs p99: ${paced.map((r) => ms(r.p99)).join(', ')} ms)`,
    )
    console.log(
      `  CPU per request: service ${median(paced.map((r) => r.serveUs)).toFixed(0)} µs, PostgreSQL ${median(paced.map((r) => r.postgresUs)).toFixed(0)} µs; ${median(paced.map((r) => r.perCommit)).toFixed(1)} requests per commit`,
    )
    console.log(
      `autocannon overallRate 1,000 (bursts of 1,000 by 50 connections each second): p50 ${median(bursts.map((r) => r.latency.p50))} ms, p99 ${median(bursts.map((r) => r.latency.p99))} ms as autocannon corrects it; uncorrected p50 ${median(rawBursts.map((r) => r.latency.p50))} ms, p99 ${median(rawBursts.map((r) => r.latency.p99))} ms (runs p99: ${bursts.map((r) => r.latency.p99).join(', ')} / ${rawBursts.map((r) => r.latency.p99).join(', ')} ms)`,
    )
    const logged = await pool.query<{ count: string }>('SELECT count(*) FROM prediction_log')
    await pool.end()
    console.log(
      `non-2xx answers, errors and timeouts: ${failures}; rows in prediction_log: ${logged.rows[0]?.count}`,
    )
  } finally {
    cli.child.kill('SIGTERM')
    await cli.done
    await postgres.stop()
    rmSync(home, { recursive: true, force: true })
  }
}

function cpuCount(): number {
  return readdirSync('/sys/devices/system/cpu').filter((name) => /^cpu\d+$/.test(name)).length
}

/** utime + stime of a process in milliseconds (Linux /proc; clock ticks of 10 ms). */
function processCpuMs(pid: number, withChildren = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  const ticks = [11, 12, ...(withChildren ? [13, 14] : [])].reduce(
    (sum, i) => sum + Number(fields[i]),
    0,
  )
  return ticks * 10
}

/**
 * The CPU the service process and the whole PostgreSQL server (postmaster, its backends and
 * background processes) have used so far, and the transactions committed in the database: read
 * before and after a run to get CPU per request and requests per commit, which, unlike latency, the
 * other work on a shared machine hardly changes.
 */
async function cpuUsage(
  pool: ReturnType<typeof createPool>,
  servePid: number,
): Promise<() => Promise<{ serveMs: number; postgresMs: number; commits: number }>> {
  const backend = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
  const postmaster = Number(
    readFileSync(`/proc/${backend?.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1],
  )
  return async () => {
    let postgresMs = processCpuMs(postmaster, true)
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const parent = Number(
          readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1],
        )
        if (parent === postmaster) postgresMs += processCpuMs(Number(entry))
      } catch {
        // The process exited between listing and reading: its time is in the postmaster's children.
      }
    }
    const commits = await pool.query<{ n: string }>(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
    )
    return { serveMs: processCpuMs(servePid), postgresMs, commits: Number(commits.rows[0]?.n) }
  }
}
