import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { syntheticTaxiDataDir } from '../../test/support/taxi-data'
import { loadConfig } from '../config/app-config'
import { ReportService } from '../services/reports/report-service'
import { writeStackPorts } from '../services/stack/stack-ports'
import { loadOrCreateStackSecrets } from '../services/stack/stack-secrets'
import type { EventName, EventContract, JobFinished } from '../shared/ipc-contract'
import type { ControlPanel } from './control-panel'
import { createControlPanel } from './control-panel'
import type { EventSink } from './event-sink'

/**
 * The control panel's services wired for real (no Electron, no WebSocket): synthetic TLC files, the
 * embedded PostgreSQL under a temporary home, the backfill in a worker thread. What the views rely on.
 */
class RecordingSink implements EventSink {
  readonly events: { event: EventName; payload: unknown }[] = []
  readonly #waiters: { event: EventName; jobId: string; resolve: (payload: unknown) => void }[] = []

  emit<E extends EventName>(event: E, payload: EventContract[E]): void {
    this.events.push({ event, payload })
    for (const waiter of [...this.#waiters]) {
      if (waiter.event === event && (payload as { jobId: string }).jobId === waiter.jobId) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        waiter.resolve(payload)
      }
    }
  }

  finished<E extends EventName>(event: E, jobId: string): Promise<EventContract[E]> {
    return new Promise((resolve) => {
      this.#waiters.push({ event, jobId, resolve: resolve as (payload: unknown) => void })
    })
  }
}

describe('the control panel composition', () => {
  let home: string
  let dataDir: string
  let panel: ControlPanel
  const sink = new RecordingSink()

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-panel-'))
    dataDir = await syntheticTaxiDataDir()
    panel = await createControlPanel({
      config: loadConfig({}, { homeDir: home, dataDir }),
      env: {},
      sink,
      mode: 'browser',
      version: '9.9.9',
      workers: 1,
    })
  })

  afterAll(async () => {
    await panel?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('describes itself without secrets: mode, home, the embedded database, no stack yet', async () => {
    const config = await panel.handlers['config:get']({})
    expect(config).toMatchObject({
      mode: 'browser',
      version: '9.9.9',
      homeDir: home,
      dataDir,
      grafana: null,
      adminer: null,
      frameOrigins: [],
    })
    expect(config.database.kind).toBe('embedded')
    expect(config.database.description).toContain(join(home, 'pg'))
    expect(panel.frameOrigins()).toEqual([])
  })

  it('lists the trip files of the data folder', async () => {
    const status = await panel.handlers['data:status']({ months: ['2022-01', '2022-04'] })
    expect(status.source).toBe('data-dir')
    expect(status.files.map((file) => [file.fileName, file.isPresent])).toEqual([
      ['green_tripdata_2022-01.parquet', true],
      ['green_tripdata_2022-04.parquet', false],
    ])
  })

  it('has no model before training, trains one as a job, then returns it', async () => {
    expect(await panel.handlers['model:get']({ referenceMonth: '2022-01' })).toBeNull()
    const { jobId } = await panel.handlers['model:train']({ referenceMonth: '2022-01' })
    const finished = (await sink.finished('model:finished', jobId)) as JobFinished<unknown>
    expect(finished.outcome).toBe('done')
    const model = await panel.handlers['model:get']({ referenceMonth: '2022-01' })
    expect(model?.summary.trainRows).toBe(30_000)
    expect(model?.predictedVsActual.length).toBeGreaterThan(100)
    expect(model?.predictedVsActual.length).toBeLessThanOrEqual(2000)
    // Regression: training from the panel left no run, though the CLI's `train` records one.
    const runs = await panel.handlers['runs:list']({})
    expect(runs[0]).toMatchObject({
      job: 'train',
      state: 'Completed',
      parameters: { referenceMonth: '2022-01', force: false },
    })
    const details = await panel.handlers['runs:show']({ runId: runs[0]?.id ?? '' })
    expect(details.tasks.map((task) => [task.taskKey, task.state])).toEqual([
      ['train:2022-01', 'Completed'],
    ])
  })

  it('trains one month once when several trainings are asked for at once (regression: concurrent trainings collided on one temporary file)', async () => {
    const started = await Promise.all(
      Array.from({ length: 4 }, () =>
        panel.handlers['model:train']({ referenceMonth: '2022-01', force: true }),
      ),
    )
    const finished = await Promise.all(
      started.map(({ jobId }) => sink.finished('model:finished', jobId)),
    )
    expect(finished.map((event) => (event as JobFinished<unknown>).outcome)).toEqual([
      'done',
      'done',
      'done',
      'done',
    ])
    expect(readdirSync(join(home, 'models', '2022-01')).sort()).toEqual([
      'model.json',
      'reference.arrow',
    ])
  })

  it('runs a backfill in a worker, streams its days, and records the run and its metrics', async () => {
    const { jobId } = await panel.handlers['pipeline:start']({
      month: '2022-02',
      days: 3,
      paceSeconds: 0,
      referenceMonth: '2022-01',
    })
    await expect(
      panel.handlers['pipeline:start']({
        month: '2022-02',
        days: 1,
        paceSeconds: 0,
        referenceMonth: '2022-01',
      }),
    ).rejects.toMatchObject({ code: 'PIPELINE_INPUT_INVALID' })
    // A reloaded page asks which backfill runs, to follow it again.
    expect(await panel.handlers['pipeline:current']({})).toEqual({ jobId })
    const finished = await sink.finished('pipeline:finished', jobId)
    expect(await panel.handlers['pipeline:current']({})).toEqual({ jobId: null })
    expect(finished).toMatchObject({ jobId, outcome: 'done', value: { state: 'Completed' } })
    const progress = sink.events
      .filter(
        (entry) =>
          entry.event === 'pipeline:progress' &&
          (entry.payload as { jobId: string }).jobId === jobId,
      )
      .flatMap((entry) => (entry.payload as EventContract['pipeline:progress']).items)
    expect(
      progress
        .filter((item) => item.type === 'day-result')
        .map((item) => item.type === 'day-result' && item.metrics.date),
    ).toEqual(['2022-02-01', '2022-02-02', '2022-02-03'])
    const runId = finished.outcome === 'done' ? finished.value.runId : ''
    const runs = await panel.handlers['runs:list']({})
    expect(runs[0]).toMatchObject({ id: runId, job: 'backfill', state: 'Completed' })
    // The run records the data folder it read, so resuming it reads the same files.
    expect(runs[0]?.parameters).toMatchObject({ dataDir })
    const details = await panel.handlers['runs:show']({ runId })
    expect(details.tasks.map((task) => [task.taskKey, task.state])).toEqual([
      ['day:2022-02-01', 'Completed'],
      ['day:2022-02-02', 'Completed'],
      ['day:2022-02-03', 'Completed'],
    ])
    const stored = await panel.handlers['metrics:list']({ month: '2022-02' })
    expect(stored.map((day) => day.date)).toEqual(['2022-02-01', '2022-02-02', '2022-02-03'])
  })

  it('says which run does not exist', async () => {
    await expect(panel.handlers['runs:show']({ runId: 'no-such-run' })).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    })
  })

  it("computes a day's report and test suite off the panel's thread, and exports them as HTML (regression: reports ran on the main thread)", async () => {
    const request = { date: '2022-02-02', preset: 'data-drift', referenceMonth: '2022-01' } as const
    const onPanelThread = vi.spyOn(ReportService.prototype, 'loadDay')
    onTestFinished(() => onPanelThread.mockRestore())
    const report = await panel.handlers['reports:get'](request)
    expect(report.metrics.map((metric) => metric.metric)).toEqual([
      'DatasetDriftMetric',
      'DataDriftTable',
    ])
    const suite = await panel.handlers['suites:run'](request)
    expect(suite.summary.total_tests).toBe(suite.tests.length)
    const html = await panel.handlers['reports:export-html'](request)
    expect(html.fileName).toBe('driftdesk-report-data-drift-2022-02-02.html')
    expect(html.html).toContain('<html')
    // The same titles as the CLI's exports (regression: the panel named them its own way).
    expect(html.html).toContain('<title>Data drift report — 2022-02-02 vs 2022-01</title>')
    const suiteHtml = await panel.handlers['suites:export-html'](request)
    expect(suiteHtml.html).toContain('<title>Data drift test suite — 2022-02-02 vs 2022-01</title>')
    expect(onPanelThread).not.toHaveBeenCalled()
  })

  it("trains a report's missing reference model once, shared with a training job asked for at the same time", async () => {
    const request = { date: '2022-02-03', preset: 'data-drift', referenceMonth: '2022-01' } as const
    rmSync(join(home, 'models', '2022-01'), { recursive: true, force: true })
    expect(await panel.handlers['model:get']({ referenceMonth: '2022-01' })).toBeNull()
    const { jobId } = await panel.handlers['model:train']({ referenceMonth: '2022-01' })
    // Listen before awaiting the report: the shared training may end the job while the report runs.
    const trained = sink.finished('model:finished', jobId)
    const report = await panel.handlers['reports:get'](request)
    expect(report.context).toMatchObject({ referenceMonth: '2022-01', date: '2022-02-03' })
    const finished = (await trained) as JobFinished<unknown>
    expect(finished.outcome).toBe('done')
    expect(readdirSync(join(home, 'models', '2022-01')).sort()).toEqual([
      'model.json',
      'reference.arrow',
    ])
  })

  it('turns a report request the data cannot answer into a request error', async () => {
    await expect(
      panel.handlers['reports:get']({
        date: '2022-02-02',
        preset: 'data-drift',
        referenceMonth: '2022-03',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('switches the data folder only to an existing absolute folder, and remembers it', async () => {
    const months = ['2022-01']
    await expect(
      panel.handlers['data:choose-folder']({ path: 'relative/dir', months }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    })
    await expect(
      panel.handlers['data:choose-folder']({ path: join(home, 'nope'), months }),
    ).rejects.toMatchObject({
      code: 'DATA_FILE_MISSING',
    })
    await expect(panel.handlers['data:choose-folder']({ months })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    })
    const chosen = await panel.handlers['data:choose-folder']({ path: home, months })
    expect(chosen).toMatchObject({ folder: home, source: 'data-dir' })
    expect(JSON.parse(readFileSync(join(home, 'panel-settings.json'), 'utf8'))).toEqual({
      dataDir: home,
    })
  })
})

describe('the data folder the panel reads', () => {
  let home: string
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-panel-settings-'))
    writeFileSync(join(home, 'panel-settings.json'), JSON.stringify({ dataDir: '/saved/folder' }))
  })
  afterAll(() => {
    rmSync(home, { recursive: true, force: true })
  })

  const dataDirOf = async (dataDir: string | undefined): Promise<string> => {
    const panel = await createControlPanel({
      config: loadConfig({}, { homeDir: home, dataDir }),
      env: {},
      sink: { emit: () => undefined },
      mode: 'browser',
      version: '0',
    })
    try {
      return (await panel.handlers['config:get']({})).dataDir
    } finally {
      await panel.close()
    }
  }

  it('is --data-dir when given, not the folder saved by an earlier start (regression: the saved folder overrode it)', async () => {
    expect(await dataDirOf('/given/folder')).toBe('/given/folder')
  })

  it('is the saved folder when no data folder is configured', async () => {
    expect(await dataDirOf(undefined)).toBe('/saved/folder')
  })
})

describe('the stack URLs the panel hands to the views', () => {
  it('gives no Grafana or Adminer URL for a stopped stack whose ports are known (regression: the frames showed "refused to connect")', async () => {
    const home = mkdtempSync(join(tmpdir(), 'driftdesk-panel-stopped-'))
    await writeStackPorts(home, { postgres: 45432, grafana: 43000, adminer: 48080 })
    await loadOrCreateStackSecrets(home)
    const panel = await createControlPanel({
      config: loadConfig({}, { homeDir: home }),
      env: { DOCKER_HOST: `unix://${join(home, 'no-engine.sock')}` },
      sink: { emit: () => undefined },
      mode: 'browser',
      version: '0',
    })
    try {
      const config = await panel.handlers['config:get']({})
      expect(config.grafana).toBeNull()
      expect(config.adminer).toBeNull()
      // The page's CSP still allows the stack's origins, for when it starts.
      expect(panel.frameOrigins()).toEqual(['http://127.0.0.1:43000', 'http://127.0.0.1:48080'])
    } finally {
      await panel.close()
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('runs one stack start at a time: a second start follows the running job (regression: double click started twice)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'driftdesk-panel-start-'))
    const sink = new RecordingSink()
    const panel = await createControlPanel({
      config: loadConfig({}, { homeDir: home }),
      env: { DOCKER_HOST: `unix://${join(home, 'no-engine.sock')}` },
      sink,
      mode: 'browser',
      version: '0',
    })
    try {
      const [first, second] = await Promise.all([
        panel.handlers['stack:start']({}),
        panel.handlers['stack:start']({}),
      ])
      expect(second.jobId).toBe(first.jobId)
      const finishing = sink.finished('stack:finished', first.jobId)
      expect((await panel.handlers['jobs:running']({})).jobIds).toEqual([first.jobId])
      const finished = await finishing
      expect(finished.outcome).toBe('failed')
      expect(sink.events.filter((entry) => entry.event === 'stack:finished')).toHaveLength(1)
      expect((await panel.handlers['jobs:running']({})).jobIds).toEqual([])
      // Once it has ended, a new start is a new job.
      const third = await panel.handlers['stack:start']({})
      expect(third.jobId).not.toBe(first.jobId)
      await sink.finished('stack:finished', third.jobId)
    } finally {
      await panel.close()
      rmSync(home, { recursive: true, force: true })
    }
  })
})
