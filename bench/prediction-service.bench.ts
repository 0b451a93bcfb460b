import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { createPool } from '../src-main/adapters/postgres/pool'
import { loadConfig } from '../src-main/config/app-config'
import { ensureTrainedModel } from '../src-main/services/model/model-service'
import { startTestPostgres } from '../test/support/postgres'
import { startCli } from '../test/support/run-cli'
import { taxiDataDir } from '../test/support/taxi-data'

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
 * this process. Three scenarios, each run three times; medians printed:
 * - single-ride requests as fast as they are answered (requests/s);
 * - batches of 100 rides (predictions/s);
 * - single-ride requests at a fixed 1,000 requests/s (latency p50/p99).
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

    const singleRuns: autocannon.Result[] = []
    const batchRuns: autocannon.Result[] = []
    const paced: autocannon.Result[] = []
    for (let run = 0; run < RUNS; run++) {
      singleRuns.push(await load(single, {}))
      batchRuns.push(await load(batch, { connections: 16 }))
      paced.push(await load(single, { overallRate: 1000 }))
    }
    const failures = [...singleRuns, ...batchRuns, ...paced].reduce(
      (sum, result) => sum + result.non2xx + result.errors + result.timeouts,
      0,
    )
    const median = (values: number[]): number =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
    console.log(
      `single ride, 50 connections: ${median(singleRuns.map((r) => r.requests.average)).toFixed(0)} requests/s (median of ${RUNS} × ${SECONDS} s; runs: ${singleRuns.map((r) => r.requests.average.toFixed(0)).join(', ')})`,
    )
    console.log(
      `batches of ${BATCH_RIDES} rides, 16 connections: ${median(batchRuns.map((r) => r.requests.average * BATCH_RIDES)).toFixed(0)} predictions/s (runs: ${batchRuns.map((r) => (r.requests.average * BATCH_RIDES).toFixed(0)).join(', ')})`,
    )
    console.log(
      `single ride at 1,000 requests/s: p50 ${median(paced.map((r) => r.latency.p50))} ms, p99 ${median(paced.map((r) => r.latency.p99))} ms, achieved ${median(paced.map((r) => r.requests.average)).toFixed(0)} requests/s (runs p99: ${paced.map((r) => r.latency.p99).join(', ')} ms)`,
    )
    const pool = createPool(postgres.url)
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
