import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findEphemeralLoopbackPort } from '../../src-main/adapters/network/port-availability'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { isProcessRunning } from '../../src-main/adapters/process/is-process-alive'
import { loadConfig } from '../../src-main/config/app-config'
import { ensureTrainedModel } from '../../src-main/services/model/model-service'
import { LIVE_COMMAND_LINES, sourceCliEntry } from '../../src-main/services/live/live-commands'
import { LiveSession } from '../../src-main/services/live/live-session'
import type { LiveProcessName } from '../../src-main/shared/domain/live'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { taxiDataDir } from '../support/taxi-data'

/**
 * A live session over the real CLI entry (`node --import tsx src-main/cli/main.ts`), as the panel runs
 * it: the real `serve` answers its health check on the port the session chose, logs a prediction into
 * the database it received in DATABASE_URL, and stops on SIGTERM with exit 0; the real `collect
 * --follow` runs beside it until stopped. `runs list` holds the replay's place (it ends with exit 0
 * like a finished replay), so the test posts its own prediction; test/e2e/live.test.ts runs a real
 * replay from the panel.
 */
describe('a live session with the real driftdesk serve', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let home: string

  beforeAll(async () => {
    const [server, data] = await Promise.all([startTestPostgres(), taxiDataDir()])
    postgres = server
    pool = createPool(postgres.url)
    home = await mkdtemp(join(tmpdir(), 'driftdesk-live-cli-'))
    await ensureTrainedModel(
      loadConfig({}, { homeDir: home }),
      '2022-01',
      join(data.dir, 'green_tripdata_2022-01.parquet'),
    )
  })

  afterAll(async () => {
    await pool?.end()
    await postgres?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  it('starts serve on a free port with the database in its environment, and stops it with SIGTERM (exit 0)', async () => {
    const controller = new AbortController()
    const lines: { process: LiveProcessName; line: string }[] = []
    const baseEnv = { ...process.env }
    delete baseEnv.DATABASE_URL
    delete baseEnv.DRIFTDESK_HOME
    const session = new LiveSession({
      jobId: 'cli-1',
      project: 'nyc-taxi',
      month: '2022-02',
      speed: 3600,
      cli: sourceCliEntry(),
      baseEnv,
      env: { DATABASE_URL: postgres.url, DRIFTDESK_HOME: home },
      findPort: findEphemeralLoopbackPort,
      signal: controller.signal,
      commands: {
        serve: ({ port }) => ['serve', '--port', String(port)],
        // The real collector (it follows the log until stopped); `runs list` stands in for a replay
        // that finishes at once, so the test can post its own prediction.
        replay: () => ['runs', 'list'],
        collect: LIVE_COMMAND_LINES.collect,
      },
      graceMs: 20_000,
      healthTimeoutMs: 180_000,
      onLine: (process, line) => lines.push({ process, line }),
    })
    const running = session.run()
    running.catch(() => undefined)
    const deadline = Date.now() + 240_000
    while (session.status().processes.find((p) => p.name === 'replay')?.state !== 'finished') {
      if (session.status().state === 'failed') break
      if (Date.now() > deadline) throw new Error(`never ran: ${JSON.stringify(session.status())}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const status = session.status()
    expect(status.error).toBeNull()
    expect(status.state).toBe('running')
    expect(status.health).toBe('ok')

    // The service logs into the database the session gave it (DATABASE_URL, not argv).
    const response = await fetch(`${status.serviceUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        VendorID: 2,
        lpep_pickup_datetime: '2022-02-01T00:05:12',
        PULocationID: 74,
        DOLocationID: 75,
        passenger_count: 1,
        trip_distance: 2.1,
        fare_amount: 9.5,
        total_amount: 12.3,
      }),
    })
    expect(response.status).toBe(200)
    const { requestId } = (await response.json()) as { requestId: string }
    const logged = await pool.query('SELECT 1 FROM prediction_log WHERE request_id = $1', [
      requestId,
    ])
    expect(logged.rowCount).toBe(1)

    const pids = status.processes.map((p) => p.pid).filter((pid): pid is number => pid !== null)
    controller.abort()
    const final = await running
    expect(final.state).toBe('stopped')
    const serve = final.processes.find((p) => p.name === 'serve')
    expect(serve).toMatchObject({ state: 'stopped', exitCode: 0, signal: null })
    expect(lines.some((entry) => entry.process === 'serve' && entry.line === 'Stopped.')).toBe(true)
    for (const pid of pids) expect(isProcessRunning(pid), `pid ${pid}`).toBe(false)
    for (const entry of lines) expect(entry.line).not.toContain(new URL(postgres.url).password)
  })
})
