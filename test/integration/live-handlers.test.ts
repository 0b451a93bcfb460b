import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { DatabaseConnection } from '../../src-main/app/database-connection'
import type { InvokeHandlers } from '../../src-main/app/dispatch-request'
import { dispatchRequest } from '../../src-main/app/dispatch-request'
import type { EventSink } from '../../src-main/app/event-sink'
import { createLiveHandlers } from '../../src-main/app/handlers/live-handlers'
import { JobRegistry } from '../../src-main/app/job-registry'
import { isProcessRunning } from '../../src-main/adapters/process/is-process-alive'
import { loadConfig } from '../../src-main/config/app-config'
import { alertingProvisioningDir } from '../../src-main/services/live/alert-rules'
import type { LiveCommandTable } from '../../src-main/services/live/live-commands'
import type { LiveProgressItem } from '../../src-main/shared/domain/live'
import type { EventName, JobFinished, JobProgress } from '../../src-main/shared/ipc-contract'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'

/**
 * The Live view's channels against a real PostgreSQL: windows read back from service_health and
 * daily_metrics (source 'live', this project, this session), alert states computed from the
 * provisioning file's rules, and a session started and stopped through the handlers with real child
 * processes (the test-only stand-in CLI; the real serve is in live-session-cli.test.ts).
 */
const root = resolve(import.meta.dirname, '..', '..')
const FAKE_COMMANDS: LiveCommandTable = {
  serve: ({ port }) => ['serve', '--port', String(port)],
  replay: () => ['replay', '--steps', '3'],
  collect: () => ['collect'],
}

describe('live handlers on a real PostgreSQL', () => {
  let postgres: TestPostgres
  let pool: DatabasePool
  let home: string
  let connection: DatabaseConnection
  let handlers: Pick<InvokeHandlers, 'live:start' | 'live:stop' | 'live:status' | 'live:windows'>
  const events: { event: EventName; payload: unknown }[] = []
  let jobs: JobRegistry

  beforeAll(async () => {
    postgres = await startTestPostgres()
    home = await mkdtemp(join(tmpdir(), 'driftdesk-live-handlers-'))
    const config = loadConfig({}, { homeDir: home, databaseUrl: postgres.url })
    connection = new DatabaseConnection(
      () => config,
      async () => null,
    )
    await connection.get() // migrations
    pool = createPool(postgres.url)
    const sink: EventSink = { emit: (event, payload) => events.push({ event, payload }) }
    const env = { ...process.env }
    delete env.DATABASE_URL
    jobs = new JobRegistry(sink)
    handlers = createLiveHandlers({
      config: () => config,
      jobs,
      connection,
      cli: {
        command: process.execPath,
        args: [join(root, 'test', 'fixtures', 'live', 'fake-live-cli.mjs')],
        cwd: root,
      },
      env,
      alertingDir: alertingProvisioningDir(join(root, 'resources')),
      commands: FAKE_COMMANDS,
      graceMs: 2000,
    })
  })

  afterAll(async () => {
    await pool?.end()
    await connection?.close()
    await postgres?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  async function insertHealth(project: string, start: string, requests: number, p99: number) {
    await pool.query(
      `INSERT INTO service_health (project, "timestamp", window_end, requests, errors, error_rate,
         latency_p50_ms, latency_p95_ms, latency_p99_ms)
       VALUES ($1, $2::timestamp, $2::timestamp + interval '1 hour', $3::integer, 1,
         1.0 / $3::integer, 2.5, 7.5, $4)`,
      [project, start, requests, p99],
    )
  }

  async function insertMetrics(
    project: string,
    source: 'live' | 'batch',
    start: string,
    drift: number,
    mae: number | null,
  ) {
    await pool.query(
      `INSERT INTO daily_metrics (project, source, "timestamp", window_end, rows, prediction_drift,
         share_missing_values, num_drifted_columns, dataset_drift, mae, rmse, labelled_share)
       VALUES ($1, $2, $3::timestamp, $3::timestamp + interval '1 day', 100, $4, 0.05, 1, false,
         $5::double precision, $5::double precision * 1.5,
         CASE WHEN $5::double precision IS NULL THEN 0 ELSE 1 END)`,
      [project, source, start, drift, mae],
    )
  }

  it("reads the project's live windows of the month, oldest first, and nothing of other projects or of the batch", async () => {
    await insertHealth('nyc-taxi', '2022-03-01 01:00:00', 120, 14.5)
    await insertHealth('nyc-taxi', '2022-03-01 00:00:00', 100, 12.25)
    await insertHealth('nyc-taxi', '2022-02-28 23:00:00', 90, 11) // the month before
    await insertHealth('other', '2022-03-01 00:00:00', 5, 1)
    await insertMetrics('nyc-taxi', 'live', '2022-03-02', 0.12, null)
    await insertMetrics('nyc-taxi', 'live', '2022-03-01', 0.08, 5.25)
    await insertMetrics('nyc-taxi', 'batch', '2022-03-01', 0.5, 9)
    await insertMetrics('other', 'live', '2022-03-01', 0.9, 1)

    const windows = await handlers['live:windows']({ project: 'nyc-taxi', month: '2022-03' })
    expect(windows.serviceHealth).toEqual([
      {
        start: '2022-03-01T00:00:00.000Z',
        end: '2022-03-01T01:00:00.000Z',
        requests: 100,
        errors: 1,
        errorRate: 0.01,
        latencyP50Ms: 2.5,
        latencyP95Ms: 7.5,
        latencyP99Ms: 12.25,
      },
      expect.objectContaining({
        start: '2022-03-01T01:00:00.000Z',
        requests: 120,
        latencyP99Ms: 14.5,
      }),
    ])
    expect(windows.metrics).toEqual([
      {
        start: '2022-03-01T00:00:00.000Z',
        end: '2022-03-02T00:00:00.000Z',
        rows: 100,
        predictionDrift: 0.08,
        shareMissingValues: 0.05,
        numDriftedColumns: 1,
        mae: 5.25,
        rmse: 7.875,
        labelledShare: 1,
      },
      expect.objectContaining({
        start: '2022-03-02T00:00:00.000Z',
        predictionDrift: 0.12,
        mae: null,
      }),
    ])
  })

  it('also reads windows cut by the wall clock since the session began', async () => {
    const since = '2026-12-07T10:00:00.000Z'
    await insertHealth('nyc-taxi', '2026-12-07 10:05:00', 42, 9)
    await insertHealth('nyc-taxi', '2026-12-07 09:55:00', 41, 9) // before the session
    const withSince = await handlers['live:windows']({
      project: 'nyc-taxi',
      month: '2022-03',
      since,
    })
    expect(withSince.serviceHealth.map((window) => window.start)).toEqual([
      '2022-03-01T00:00:00.000Z',
      '2022-03-01T01:00:00.000Z',
      '2026-12-07T10:05:00.000Z',
    ])
    const without = await handlers['live:windows']({ project: 'nyc-taxi', month: '2022-03' })
    expect(without.serviceHealth).toHaveLength(2)
  })

  it('evaluates every provisioned alert rule with its own SQL and threshold', async () => {
    const yaml = await readFile(
      join(root, 'resources/grafana/provisioning/alerting/driftdesk-alerts.yaml'),
      'utf8',
    )
    const uids = [...yaml.matchAll(/^\s+- uid: (\S+)/gm)].map((match) => match[1])
    const before = await handlers['live:windows']({ project: 'nyc-taxi', month: '2022-03' })
    expect(before.alerts.map((alert) => alert.uid)).toEqual(uids)
    const drift = (alerts: typeof before.alerts) =>
      alerts.find((alert) => alert.uid === 'driftdesk-prediction-drift')
    // The rule counts, per project, the three latest batch days whose prediction drifted (by the
    // stattest's verdict; a day stored without it: drift score >= 0.1). Another project's drifting
    // days must not move nyc-taxi's state.
    for (const day of ['2022-03-10', '2022-03-11', '2022-03-12', '2022-03-13', '2022-03-14'])
      await insertMetrics('other', 'batch', day, 0.15, null)
    const others = await handlers['live:windows']({ project: 'nyc-taxi', month: '2022-03' })
    expect(drift(others.alerts)?.state).not.toBe('alerting')
    for (const day of ['2022-03-10', '2022-03-11', '2022-03-12'])
      await insertMetrics('nyc-taxi', 'batch', day, 0.15, null)
    const drifting = await handlers['live:windows']({ project: 'nyc-taxi', month: '2022-03' })
    expect(drift(drifting.alerts)).toMatchObject({
      state: 'alerting',
      value: 3,
      condition: '> 2.5',
    })
    // A newer day under 0.1 makes it 2 of 3: OK, with the value Grafana would see.
    await insertMetrics('nyc-taxi', 'batch', '2022-03-13', 0.02, null)
    const after = await handlers['live:windows']({ project: 'nyc-taxi', month: '2022-03' })
    expect(drift(after.alerts)).toMatchObject({ state: 'ok', value: 2 })
    for (const alert of after.alerts) expect(['ok', 'alerting', 'no-data']).toContain(alert.state)
  })

  it('rejects bad requests at the door, naming the field', async () => {
    const all = handlers as unknown as InvokeHandlers
    const cases: [string, unknown, RegExp][] = [
      ['live:start', { project: 'nyc-taxi', month: '2022-13', speed: 3600 }, /'month'/],
      [
        'live:start',
        { project: 'nyc-taxi', month: '2022-03', speed: 'fast' },
        /'speed' must be 'max' or a number/,
      ],
      ['live:start', { project: 'nyc-taxi', month: '2022-03', speed: 0 }, /'speed'/],
      ['live:start', { project: '../etc', month: '2022-03', speed: 60 }, /'project'/],
      [
        'live:start',
        { project: 'nyc-taxi', month: '2022-03', speed: 60, url: 'x' },
        /Unknown request field 'url'/,
      ],
      ['live:windows', { project: 'nyc-taxi', month: '2022-03', since: 'yesterday' }, /'since'/],
      ['live:stop', { now: true }, /Unknown request field 'now'/],
    ]
    for (const [channel, request, message] of cases) {
      const result = await dispatchRequest(all, channel, request)
      expect(result.ok, `${channel} ${JSON.stringify(request)}`).toBe(false)
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_REQUEST')
        expect(result.error.message).toMatch(message)
      }
    }
  })

  it('refuses a project this database does not know', async () => {
    await expect(
      handlers['live:start']({ project: 'nobody', month: '2022-03', speed: 3600 }),
    ).rejects.toThrow(/No project is named 'nobody'/)
  })

  it("starts a session on the panel's database, streams its progress, refuses a second one, and stops it", async () => {
    events.length = 0
    const { jobId } = await handlers['live:start']({
      project: 'nyc-taxi',
      month: '2022-03',
      speed: 'max',
    })
    await expect(
      handlers['live:start']({ project: 'nyc-taxi', month: '2022-04', speed: 60 }),
    ).rejects.toThrow(/A live session is running \(nyc-taxi, 2022-03\)/)
    const deadline = Date.now() + 60_000
    for (;;) {
      const { session } = await handlers['live:status']({})
      if (session?.processes.find((p) => p.name === 'replay')?.state === 'finished') break
      if (Date.now() > deadline) throw new Error(`never finished: ${JSON.stringify(session)}`)
      await new Promise((resolveWait) => setTimeout(resolveWait, 100))
    }
    const { session } = await handlers['live:status']({})
    expect(session).toMatchObject({ jobId, state: 'running', speed: 'max', health: 'ok' })
    // The children use the panel's database, given in their environment.
    const servePid = session?.processes[0]?.pid as number
    const environ = (await readFile(`/proc/${servePid}/environ`, 'utf8')).split('\0')
    expect(environ).toContain(`DATABASE_URL=${postgres.url}`)
    expect(environ).toContain(`DRIFTDESK_HOME=${home}`)

    const stopped = await handlers['live:stop']({})
    expect(stopped.session?.state).toBe('stopped')
    expect(stopped.session?.processes.map((p) => p.state)).toEqual([
      'stopped',
      'finished',
      'stopped',
    ])

    const progress = events
      .filter((entry) => entry.event === 'live:progress')
      .flatMap((entry) => (entry.payload as JobProgress<LiveProgressItem>).items)
    expect(progress.some((item) => item.type === 'line' && item.process === 'replay')).toBe(true)
    expect(progress.some((item) => item.type === 'status' && item.status.state === 'running')).toBe(
      true,
    )
    const deadlineFinished = Date.now() + 10_000
    while (!events.some((entry) => entry.event === 'live:finished')) {
      if (Date.now() > deadlineFinished) throw new Error('no live:finished event')
      await new Promise((resolveWait) => setTimeout(resolveWait, 50))
    }
    const finished = events.filter((entry) => entry.event === 'live:finished')
    expect(finished).toHaveLength(1)
    expect((finished[0]?.payload as JobFinished<unknown>).outcome).toBe('cancelled')
    // A new session may start once the last one has ended.
    const again = await handlers['live:start']({ project: 'nyc-taxi', month: '2022-03', speed: 60 })
    expect(again.jobId).not.toBe(jobId)
    await handlers['live:stop']({})
  })

  it('stops every process of a running session when the panel quits (what ControlPanel.close does)', async () => {
    await handlers['live:start']({ project: 'nyc-taxi', month: '2022-03', speed: 60 })
    const deadline = Date.now() + 60_000
    let pids: number[] = []
    for (;;) {
      const { session } = await handlers['live:status']({})
      pids = (session?.processes ?? [])
        .map((p) => p.pid)
        .filter((pid): pid is number => pid !== null)
      if (session?.state === 'running' && pids.length === 3) break
      if (Date.now() > deadline) throw new Error(`never ran: ${JSON.stringify(session)}`)
      await new Promise((resolveWait) => setTimeout(resolveWait, 100))
    }
    jobs.cancelAll()
    expect(await jobs.whenIdle(30_000)).toBe(true)
    for (const pid of pids) expect(isProcessRunning(pid), `pid ${pid}`).toBe(false)
    const { session } = await handlers['live:status']({})
    expect(session?.state).toBe('stopped')
  })
})
