import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isClose } from '../../../test/support/answer-keys'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import { jsonLines, runCli } from '../../../test/support/run-cli'
import { listColumnMetrics } from '../../adapters/postgres/column-metrics-repository'
import { saveProject } from '../../adapters/postgres/project-repository'
import type { AppConfig } from '../../config/app-config'
import { loadConfig } from '../../config/app-config'
import type { ProjectFile } from '../../core/project/project-schema'
import type { DayMetrics } from '../../shared/domain/metrics'
import type { RunProgressEvent, RunRecord } from '../../shared/domain/runs'
import type { EventName, JobFinished, PayloadOf, PipelineOutcome } from '../../shared/ipc-contract'
import { DatabaseConnection } from '../database-connection'
import { dispatchRequest } from '../dispatch-request'
import type { InvokeHandlers } from '../dispatch-request'
import { JobRegistry } from '../job-registry'
import { JobSlot } from './job-slot'
import { createPipelineHandlers } from './pipeline-handlers'
import { createRunsHandlers } from './runs-handlers'

/**
 * The panel's own-project backfill (issue #11) through the pipeline channels, against a real PostgreSQL
 * (embedded) and the real ProjectBackfillService, on the generated prediction log of
 * test/fixtures/evidently/own-data-synthetic (three day windows: 40, 12 and 3 rows). The CLI's
 * `backfill --project` runs as a real child process on the same database to compare what each stores.
 */
const KEY_DIR = resolve(__dirname, '../../../test/fixtures/evidently/own-data-synthetic')
const WINDOWS = ['2024-05-01', '2024-05-02', '2024-05-03']

describe('own-project backfill through the panel (real PostgreSQL)', () => {
  let postgres: TestPostgres
  let folder: string
  let config: AppConfig
  let connection: DatabaseConnection
  let handlers: Pick<
    InvokeHandlers,
    | 'pipeline:start'
    | 'pipeline:resume'
    | 'pipeline:cancel'
    | 'pipeline:current'
    | 'metrics:list'
    | 'runs:list'
  >
  const events: { name: EventName; payload: unknown }[] = []

  async function call(channel: keyof typeof handlers, request: unknown): Promise<unknown> {
    const result = await dispatchRequest(handlers as InvokeHandlers, channel, request)
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value
  }

  /** The job's progress items and its one terminal event, once it has come (generous timeout). */
  async function jobEnd(jobId: string): Promise<{
    items: RunProgressEvent[]
    finished: JobFinished<PipelineOutcome>[]
  }> {
    const deadline = Date.now() + 60_000
    const finishedOf = (): JobFinished<PipelineOutcome>[] =>
      events
        .filter((e) => e.name === 'pipeline:finished')
        .map((e) => e.payload as JobFinished<PipelineOutcome>)
        .filter((p) => p.jobId === jobId)
    while (finishedOf().length === 0) {
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not end in 60 s`)
      await new Promise((r) => setTimeout(r, 50))
    }
    // A second terminal event would arrive right after the first: give it a moment to show up.
    await new Promise((r) => setTimeout(r, 200))
    const items = events
      .filter((e) => e.name === 'pipeline:progress')
      .map((e) => e.payload as PayloadOf<'pipeline:progress'>)
      .filter((p) => p.jobId === jobId)
      .flatMap((p) => [...p.items])
    return { items, finished: finishedOf() }
  }

  const definition = (): ProjectFile => ({
    name: 'shop',
    reference: join(folder, 'reference.csv'),
    current: join(folder, 'current.csv'),
    mapping: {
      target: 'target',
      prediction: 'prediction',
      numerical_features: ['count', 'level', 'x'],
      categorical_features: ['city', 'flag'],
    },
    window: { column: 'ts', every: '1d' },
    metrics: [{ column: 'x', metric: 'quantile', quantile: 0.5 }],
  })

  beforeAll(async () => {
    postgres = await startTestPostgres()
    folder = mkdtempSync(join(tmpdir(), 'driftdesk-pipeline-handlers-'))
    copyFileSync(join(KEY_DIR, 'reference.csv'), join(folder, 'reference.csv'))
    copyFileSync(join(KEY_DIR, 'current.csv'), join(folder, 'current.csv'))
    config = loadConfig({}, { homeDir: join(folder, 'home'), databaseUrl: postgres.url })
    connection = new DatabaseConnection(
      () => config,
      async () => null,
    )
    const jobs = new JobRegistry({ emit: (name, payload) => events.push({ name, payload }) })
    handlers = {
      ...createPipelineHandlers({
        config: () => config,
        jobs,
        backfillSlot: new JobSlot(),
        backfillService: () => Promise.reject(new Error('the course backfill is not used here')),
        workers: () => 1,
        projectWorkers: () => 1,
        connection: () => connection.get(),
      }),
      ...createRunsHandlers({ connection }),
    } as typeof handlers
    const { database } = await connection.get()
    await saveProject(database.pool, definition())
  }, 120_000)

  afterAll(async () => {
    await connection?.close()
    await postgres?.stop()
    rmSync(folder, { recursive: true, force: true })
  })

  it('backfills an own project: progress per window, one finished event, the windows stored', async () => {
    const { jobId, runId } = (await call('pipeline:start', { project: 'shop' })) as {
      jobId: string
      runId: string | null
    }
    expect(runId).toBeNull()
    const { items, finished } = await jobEnd(jobId)
    expect(finished).toHaveLength(1)
    const end = finished[0] as Extract<JobFinished<PipelineOutcome>, { outcome: 'done' }>
    expect(end.outcome).toBe('done')
    expect(end.value.state).toBe('Completed')
    expect(end.value.message).toBe('0 reused, 3 computed (3 window(s) stored).')
    const results = items.filter((i) => i.type === 'day-result')
    expect(results.map((r) => [r.metrics.date, r.metrics.rows, r.done, r.skipped])).toEqual([
      ['2024-05-01', 40, 1, false],
      ['2024-05-02', 12, 2, false],
      ['2024-05-03', 3, 3, false],
    ])
    expect(items[0]).toMatchObject({ type: 'run-started', runId: end.value.runId, job: 'backfill' })

    const stored = (await call('metrics:list', { project: 'shop' })) as DayMetrics[]
    expect(stored.map((d) => [d.date, d.rows])).toEqual([
      ['2024-05-01', 40],
      ['2024-05-02', 12],
      ['2024-05-03', 3],
    ])
    // The run's window results are what was stored.
    for (const day of stored) {
      const live = results.find((r) => r.metrics.date === day.date)?.metrics
      expect(day.numDriftedColumns).toBe(live?.numDriftedColumns)
      expect(isClose(day.predictionDrift as number, live?.predictionDrift as number)).toBe(true)
    }
    // The project's extra metric (median of x) is stored per window too.
    const { database } = await connection.get()
    const extra = await listColumnMetrics(database.pool, {
      project: 'shop',
      from: WINDOWS[0] as string,
      to: '2024-05-04', // exclusive
    })
    expect(extra.map((m) => m.window).sort()).toEqual(WINDOWS)
    expect(extra.every((m) => m.metric === 'quantile' && m.column === 'x')).toBe(true)
    const runs = (await call('runs:list', { limit: 1 })) as RunRecord[]
    expect(runs[0]).toMatchObject({ id: end.value.runId, state: 'Completed', job: 'backfill' })
  }, 120_000)

  it('stores what `backfill --project` stores for the same project (the CLI reuses, then recomputes)', async () => {
    const panel = (await call('metrics:list', { project: 'shop' })) as DayMetrics[]
    const cliArgs = ['backfill', '--project', 'shop', '--json']
    const common = ['--database-url', postgres.url, '--home', join(folder, 'cli-home')]
    // Same request, same inputs fingerprint: the CLI reuses every window the panel stored.
    const reused = await runCli([...cliArgs, ...common])
    expect(reused.code, reused.stderr).toBe(0)
    expect(reused.stderr).toContain('3 reused, 0 computed')
    // Recomputed by the CLI: the same numbers, window by window.
    const forced = await runCli([...cliArgs, '--force', ...common])
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stderr).toContain('0 reused, 3 computed')
    const lines = jsonLines(forced.stdout)
    expect(lines.map((l) => l.date)).toEqual(WINDOWS)
    const cliStored = (await call('metrics:list', { project: 'shop' })) as DayMetrics[]
    for (const [index, line] of lines.entries()) {
      const mine = panel[index] as DayMetrics
      const theirs = cliStored[index] as DayMetrics
      expect(line.rows).toBe(mine.rows)
      expect(line.num_drifted_columns).toBe(mine.numDriftedColumns)
      expect(line.dataset_drift).toBe(mine.datasetDrift)
      for (const [key, value] of [
        ['prediction_drift', mine.predictionDrift],
        ['share_missing_values', mine.shareMissingValues],
        ['share_of_drifted_columns', mine.shareOfDriftedColumns],
        ['mae', mine.mae],
        ['rmse', mine.rmse],
      ] as const) {
        expect(typeof value, `${mine.date} ${key}`).toBe('number')
        expect(isClose(line[key] as number, value as number), `${mine.date} ${key}`).toBe(true)
      }
      expect(theirs.numDriftedColumns).toBe(mine.numDriftedColumns)
      expect(isClose(theirs.mae as number, mine.mae as number)).toBe(true)
    }
  }, 180_000)

  it('cancels an own-project backfill: one cancelled event, the run Cancelled', async () => {
    const { jobId } = (await call('pipeline:start', { project: 'shop', force: true })) as {
      jobId: string
    }
    // Cancelled at once: the service checks the signal before every window, so none is computed.
    expect(await call('pipeline:cancel', { jobId })).toEqual({ cancelled: true })
    const { items, finished } = await jobEnd(jobId)
    expect(finished).toEqual([{ jobId, outcome: 'cancelled' }])
    expect(items.filter((i) => i.type === 'day-result')).toEqual([])
    const runs = (await call('runs:list', { limit: 1 })) as RunRecord[]
    expect(runs[0]?.state).toBe('Cancelled')
    expect(await call('pipeline:current', {})).toEqual({ jobId: null })

    // Resumed as the Runs page does: the same run, through the project's service, to Completed.
    const cancelledRun = runs[0] as RunRecord
    // By a prefix, as an id may be given: resolved to the run.
    const resumed = (await call('pipeline:resume', { runId: cancelledRun.id.slice(0, 8) })) as {
      jobId: string
      runId: string
    }
    expect(resumed.runId).toBe(cancelledRun.id)
    const after = await jobEnd(resumed.jobId)
    expect(after.finished).toHaveLength(1)
    expect(after.finished[0]).toMatchObject({
      outcome: 'done',
      value: { runId: cancelledRun.id, state: 'Completed' },
    })
    expect(after.items.filter((i) => i.type === 'day-result').map((r) => r.metrics.date)).toEqual(
      WINDOWS,
    )
  }, 120_000)

  it('refuses a project another process is backfilling, worded for the panel', async () => {
    const { store } = await connection.get()
    const lock = await store.lockProjectBackfill('shop')
    if (!('release' in lock)) throw new Error('the test could not take the lock')
    try {
      const { jobId } = (await call('pipeline:start', { project: 'shop' })) as { jobId: string }
      const { finished } = await jobEnd(jobId)
      expect(finished).toHaveLength(1)
      const end = finished[0] as Extract<JobFinished<PipelineOutcome>, { outcome: 'failed' }>
      expect(end.outcome).toBe('failed')
      expect(end.error.code).toBe('BUSY')
      expect(end.error.message).toContain("Another backfill of project 'shop' is running")
      expect(end.error.message).toContain('press Start backfill again')
      expect(end.error.message).not.toMatch(/--|npm run/)
    } finally {
      await lock.release()
    }
  }, 120_000)

  it('says why a project cannot be backfilled before any job starts', async () => {
    await expect(call('pipeline:start', { project: 'nobody' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining("No project is named 'nobody'"),
    })
    const { database } = await connection.get()
    await saveProject(database.pool, {
      ...definition(),
      name: 'rows',
      window: { every: 'rows:20' },
    })
    const refusal = call('pipeline:start', { project: 'rows' })
    await expect(refusal).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining("Project 'rows' cuts its windows as 'rows:20'"),
    })
    await expect(refusal).rejects.not.toThrow(/--/)
    expect(await call('pipeline:current', {})).toEqual({ jobId: null })
  }, 60_000)
})
