import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asKeyJson, expectSameDict, readOwnDataKey } from '../../../test/support/own-data-keys'
import type { TestPostgres } from '../../../test/support/postgres'
import { startTestPostgres } from '../../../test/support/postgres'
import { saveDayMetrics } from '../../adapters/postgres/metrics-repository'
import { ReportWorkerPool } from '../../adapters/worker/report-worker-pool'
import type { AppConfig } from '../../config/app-config'
import { loadConfig } from '../../config/app-config'
import { evidentlyAsDict } from '../../core/reports/evidently-as-dict'
import type { FilesInspection, ProjectDefinition } from '../../shared/domain/projects'
import { REQUEST_GUARDS } from '../../shared/ipc-contract'
import { DatabaseConnection } from '../database-connection'
import { dispatchRequest } from '../dispatch-request'
import type { InvokeHandlers } from '../dispatch-request'
import { createProjectHandlers, loadProjectTask } from './project-handlers'
import { createReportHandlers } from './report-handlers'
import { createRunsHandlers } from './runs-handlers'

/**
 * The panel's project channels against a real PostgreSQL (embedded) and the real report thread, on a
 * generated prediction log Evidently 0.4.16 has answer keys for (test/fixtures/evidently/own-data-
 * synthetic: strings, a boolean, a 3-valued integer, windows of 40, 12 and 3 rows).
 */
const KEY_DIR = resolve(__dirname, '../../../test/fixtures/evidently/own-data-synthetic')

describe('project handlers (real PostgreSQL, real report thread)', () => {
  let postgres: TestPostgres
  let folder: string
  let config: AppConfig
  let connection: DatabaseConnection
  let reports: ReportWorkerPool
  let handlers: Pick<
    InvokeHandlers,
    | 'project:list'
    | 'project:inspect-files'
    | 'project:choose-files'
    | 'project:save'
    | 'project:remove'
    | 'project:windows'
    | 'reports:get'
    | 'suites:run'
    | 'reports:export-html'
    | 'metrics:list'
  >
  let reference: string
  let current: string

  /** Calls a channel through the contract's guard, as a renderer's request arrives. */
  async function call(channel: keyof typeof handlers, request: unknown): Promise<unknown> {
    const result = await dispatchRequest(handlers as InvokeHandlers, channel, request)
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
    return result.value
  }

  function draft(overrides: Partial<ProjectDefinition> = {}): ProjectDefinition {
    return {
      name: 'shop',
      reference,
      current,
      mapping: {
        target: 'target',
        prediction: 'prediction',
        numerical_features: ['count', 'level', 'x'],
        categorical_features: ['city', 'flag'],
      },
      window: { column: 'ts', every: '1d' },
      ...overrides,
    }
  }

  beforeAll(async () => {
    postgres = await startTestPostgres()
    folder = mkdtempSync(join(tmpdir(), 'driftdesk-project-handlers-'))
    reference = join(folder, 'reference.csv')
    current = join(folder, 'current.csv')
    copyFileSync(join(KEY_DIR, 'reference.csv'), reference)
    copyFileSync(join(KEY_DIR, 'current.csv'), current)
    config = loadConfig({}, { homeDir: folder, databaseUrl: postgres.url })
    connection = new DatabaseConnection(
      () => config,
      async () => null,
    )
    reports = new ReportWorkerPool(1)
    const projectTask = (name: string): ReturnType<typeof loadProjectTask> =>
      loadProjectTask(connection, name)
    handlers = {
      ...createProjectHandlers({ config: () => config, connection, reports }),
      ...createReportHandlers({
        config: () => config,
        reports,
        ensureModel: async () => undefined,
        projectTask,
      }),
      ...createRunsHandlers({ connection }),
    } as typeof handlers
  })

  afterAll(async () => {
    await reports?.close()
    await connection?.close()
    await postgres?.stop()
    rmSync(folder, { recursive: true, force: true })
  })

  it('lists the built-in course first, and nothing else on a fresh database', async () => {
    expect(await call('project:list', {})).toEqual({
      projects: [{ name: 'nyc-taxi', builtIn: true, definition: null, updatedAt: null }],
    })
  })

  it("reads a draft's files: every column with Evidently 0.4's proposed role, a preview, a window", async () => {
    const result = (await call('project:inspect-files', {
      reference: [reference],
      current: [current],
    })) as { ok: true; inspection: FilesInspection }
    expect(result.ok).toBe(true)
    const { inspection } = result
    const roles = Object.fromEntries(
      inspection.columns.map((c) => [c.name, [c.storage, c.proposedRole]]),
    )
    expect(roles).toEqual({
      ts: ['timestamp', 'datetime'],
      x: ['float', 'numerical'],
      // Three distinct values, still numerical: Evidently's drift typing goes by storage alone.
      level: ['integer', 'numerical'],
      count: ['integer', 'numerical'],
      city: ['string', 'categorical'],
      flag: ['boolean', 'categorical'],
      target: ['float', 'target'],
      prediction: ['float', 'prediction'],
    })
    expect(inspection.columns.find((c) => c.name === 'ts')).toMatchObject({
      inReference: false,
      inCurrent: true,
    })
    expect(inspection.proposedWindow).toEqual({ column: 'ts', every: '1d' })
    expect(inspection.task).toBe('regression')
    expect(inspection.currentPreview.rows).toHaveLength(10)
    expect(inspection.currentPreview.columns[0]).toBe('ts')
    // The first row of current.csv: 2024-05-01 00:00:00,,21,2,Oslo,True,4.72,8.7435
    expect(inspection.currentPreview.rows[0]).toEqual([
      '2024-05-01T00:00:00',
      null,
      21,
      2,
      'Oslo',
      true,
      4.72,
      8.7435,
    ])
    expect(inspection.sampledRows).toEqual({ reference: 300, current: 55 })
  })

  it('says which path is wrong, next to its field: relative, missing, not a data file', async () => {
    const relative = await call('project:inspect-files', {
      reference: ['data/reference.csv'],
      current: [current],
    })
    expect(relative).toEqual({
      ok: false,
      problems: [{ field: 'reference', message: expect.stringContaining('full path') as string }],
    })
    const missing = (await call('project:inspect-files', {
      reference: [reference],
      current: [join(folder, 'nope.csv')],
    })) as { ok: false; problems: { field: string; message: string }[] }
    expect(missing.problems).toHaveLength(1)
    expect(missing.problems[0]?.field).toBe('current')
    expect(missing.problems[0]?.message).toContain('does not exist')
    const text = join(folder, 'notes.txt')
    writeFileSync(text, 'hello\n')
    const unknown = (await call('project:inspect-files', {
      reference: [text],
      current: [current],
    })) as { ok: false; problems: { field: string; message: string }[] }
    expect(unknown.problems[0]).toMatchObject({ field: 'reference' })
    expect(unknown.problems[0]?.message).toMatch(/\.parquet, \.csv and \.jsonl/)
  })

  it('refuses a request that is not shaped as the contract says, before any handler runs', async () => {
    await expect(
      call('project:inspect-files', { reference: [], current: [current] }),
    ).rejects.toThrow(/list of 1 to 64/)
    await expect(call('project:save', { definition: 'shop' })).rejects.toThrow(/project object/)
    await expect(call('project:remove', { name: '../etc' })).rejects.toThrow(/project name/)
    await expect(
      call('reports:get', { project: 'nyc-taxi', window: 'all', preset: 'data-drift' }),
    ).rejects.toThrow(/has days, not windows/)
    await expect(
      call('reports:get', { project: 'shop', window: 'all', preset: 'data-drift', extra: 1 }),
    ).rejects.toThrow(/Unknown request field 'extra'/)
    expect(() => REQUEST_GUARDS['metrics:list']({})).toThrow(/month/)
  })

  it('puts each problem of a draft next to its field, worded for the panel', async () => {
    const problems = async (definition: unknown): Promise<{ field: string; message: string }[]> => {
      const result = (await call('project:save', { definition })) as {
        ok: boolean
        problems: { field: string; message: string; column?: string }[]
      }
      expect(result.ok).toBe(false)
      return result.problems
    }
    expect(await problems(draft({ name: 'my shop!' }))).toEqual([
      { field: 'name', message: expect.stringContaining('letters, digits') as string },
    ])
    expect(await problems(draft({ name: 'nyc-taxi' }))).toEqual([
      { field: 'name', message: expect.stringContaining('built-in course') as string },
    ])
    expect(await problems(draft({ window: { column: 'ts', every: 'daily' } }))).toEqual([
      { field: 'window.every', message: expect.stringContaining('1h, 1d') as string },
    ])
    expect(await problems(draft({ window: { every: '1d' } }))).toEqual([
      { field: 'window.column', message: expect.stringContaining('timestamp column') as string },
    ])
    expect(await problems(draft({ window: { column: 'city', every: '1d' } }))).toEqual([
      {
        field: 'window.column',
        column: 'city',
        message: expect.stringContaining('not timestamps') as string,
      },
      {
        field: 'mapping.categorical_features[0]',
        column: 'city',
        message: expect.stringContaining('cuts the windows') as string,
      },
    ])
    expect(
      await problems(
        draft({
          mapping: {
            target: 'label',
            numerical_features: ['x', 'city'],
            categorical_features: ['x'],
          },
        }),
      ),
    ).toEqual([
      {
        field: 'mapping.target',
        column: 'label',
        message: expect.stringContaining('not in the reference or the current data') as string,
      },
      {
        field: 'mapping.numerical_features[1]',
        column: 'city',
        message: expect.stringContaining('holds text in the reference data') as string,
      },
      {
        field: 'mapping.categorical_features[0]',
        column: 'x',
        message: expect.stringContaining('already the numerical feature') as string,
      },
    ])
    expect(await problems(draft({ current: join(folder, 'gone.parquet') }))).toEqual([
      { field: 'current', message: expect.stringContaining('does not exist') as string },
    ])
    // Nothing was stored by any of them.
    expect(((await call('project:list', {})) as { projects: unknown[] }).projects).toHaveLength(1)
  })

  it("stores a draft, keeping only what differs from Evidently's inference, and lists it", async () => {
    const saved = (await call('project:save', { definition: draft() })) as {
      ok: true
      project: { name: string; definition: ProjectDefinition }
    }
    expect(saved.ok).toBe(true)
    // The lists equal the proposal, so they are left out: the project keeps Evidently's inferred typing.
    expect(saved.project.definition).toEqual({
      name: 'shop',
      reference,
      current,
      mapping: { target: 'target', prediction: 'prediction' },
      window: { column: 'ts', every: '1d' },
    })
    const listed = (await call('project:list', {})) as { projects: { name: string }[] }
    expect(listed.projects.map((p) => p.name)).toEqual(['nyc-taxi', 'shop'])
    // A second save of the name is refused unless it replaces, and a correction is kept as given.
    expect(await call('project:save', { definition: draft() })).toEqual({
      ok: false,
      problems: [{ field: 'name', message: expect.stringContaining('already exists') as string }],
    })
    const corrected = (await call('project:save', {
      definition: draft({
        mapping: {
          target: 'target',
          prediction: 'prediction',
          numerical_features: ['count', 'x'],
          categorical_features: ['city', 'flag', 'level'],
        },
      }),
      replace: true,
    })) as { ok: true; project: { definition: ProjectDefinition } }
    expect(corrected.project.definition.mapping).toEqual({
      target: 'target',
      prediction: 'prediction',
      categorical_features: ['city', 'flag', 'level'],
    })
  })

  it("cuts the project's current data into its windows on the report thread", async () => {
    // The answer keys' explicit mapping, in its order (kept: an explicit order is not the inferred one).
    const keyed = draft({
      mapping: {
        target: 'target',
        prediction: 'prediction',
        numerical_features: ['x', 'count', 'level'],
        categorical_features: ['city', 'flag'],
      },
    })
    const saved = (await call('project:save', { definition: keyed, replace: true })) as {
      project: { definition: ProjectDefinition }
    }
    expect(saved.project.definition.mapping?.numerical_features).toEqual(['x', 'count', 'level'])
    expect(await call('project:windows', { name: 'shop' })).toEqual({
      project: 'shop',
      windows: [
        {
          label: '2024-05-01',
          start: '2024-05-01T00:00:00',
          endExclusive: '2024-05-02T00:00:00',
          rows: 40,
        },
        {
          label: '2024-05-02',
          start: '2024-05-02T00:00:00',
          endExclusive: '2024-05-03T00:00:00',
          rows: 12,
        },
        {
          label: '2024-05-03',
          start: '2024-05-03T00:00:00',
          endExclusive: '2024-05-04T00:00:00',
          rows: 3,
        },
      ],
      rowsWithoutTimestamp: 0,
      mapping: {
        target: 'target',
        prediction: 'prediction',
        numericalFeatures: ['x', 'count', 'level'],
        categoricalFeatures: ['city', 'flag'],
      },
    })
  })

  for (const [window, file, preset] of [
    ['2024-05-01', 'data_drift.json', 'data-drift'],
    ['2024-05-02', 'data_quality.json', 'data-quality'],
    ['2024-05-03', 'regression.json', 'regression'],
  ] as const) {
    it(`answers the ${preset} report of window ${window} as Evidently 0.4 does (its answer key)`, async () => {
      const document = (await call('reports:get', {
        project: 'shop',
        window,
        preset,
      })) as Parameters<typeof evidentlyAsDict>[0]
      const key = readOwnDataKey(KEY_DIR, window, file)
      expectSameDict(asKeyJson(evidentlyAsDict(document)), key.as_dict, `${window} ${file}`)
      expect(document.context).toMatchObject({ currentRows: key.current_rows, referenceRows: 300 })
    })
  }

  it("runs a window's data-drift test suite as Evidently 0.4 does", async () => {
    const suite = (await call('suites:run', {
      project: 'shop',
      window: '2024-05-01',
      preset: 'data-drift',
    })) as { tests: { name: string; status: string; description: string }[] }
    const key = readOwnDataKey(KEY_DIR, '2024-05-01', 'data_drift_tests.json').as_dict as {
      tests: { name: string; status: string; description: string }[]
    }
    expect(suite.tests.map((t) => [t.name, t.status, t.description])).toEqual(
      key.tests.map((t) => [t.name, t.status, t.description]),
    )
  })

  it('exports a window as an HTML file named after the project and window', async () => {
    const file = (await call('reports:export-html', {
      project: 'shop',
      window: '2024-05-02',
      preset: 'data-drift',
    })) as { fileName: string; html: string }
    expect(file.fileName).toBe('driftdesk-report-data-drift-shop-2024-05-02.html')
    expect(file.html).toContain('shop · 2024-05-02')
  })

  it('refuses the course preset and an unknown window with a sentence the panel can show', async () => {
    await expect(
      call('reports:get', { project: 'shop', window: '2024-05-01', preset: 'course' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('data drift'),
    })
    await expect(
      call('reports:get', { project: 'shop', window: '2024-06-01', preset: 'data-drift' }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('2024-05-01, 2024-05-02, 2024-05-03'),
    })
  })

  it("lists the project's stored windows, apart from the course's", async () => {
    expect(await call('metrics:list', { project: 'shop' })).toEqual([])
    const { database } = await connection.get()
    const day = {
      date: '2024-05-02',
      rows: 12,
      predictionDrift: 0.25,
      numDriftedColumns: 2,
      shareOfDriftedColumns: 2 / 7,
      datasetDrift: false,
      shareMissingValues: 0.01,
      missingByColumn: { x: 1 },
      mae: 1.5,
      rmse: 2,
      columns: [],
    }
    await saveDayMetrics(database.pool, day, {
      project: 'shop',
      referenceMonth: null,
      runId: null,
      inputsFingerprint: null,
    })
    const stored = (await call('metrics:list', { project: 'shop' })) as { date: string }[]
    expect(stored.map((d) => d.date)).toEqual(['2024-05-02'])
    expect(await call('metrics:list', { month: '2024-05' })).toEqual([])
    expect(await call('metrics:list', { month: '2024-05', project: 'nyc-taxi' })).toEqual([])
  })

  it('removes a project (its stored windows with it when asked), never the course', async () => {
    await expect(call('project:remove', { name: 'nyc-taxi' })).rejects.toThrow(/built-in/)
    expect(await call('project:remove', { name: 'shop', withMetrics: true })).toEqual({
      removed: true,
    })
    expect(await call('project:remove', { name: 'shop' })).toEqual({ removed: false })
    expect(await call('metrics:list', { project: 'shop' })).toEqual([])
    await expect(call('project:windows', { name: 'shop' })).rejects.toThrow(
      /No project is named 'shop'/,
    )
  })

  it('says the file dialog is an Electron feature in browser mode', async () => {
    await expect(call('project:choose-files', { side: 'reference' })).rejects.toMatchObject({
      code: 'NOT_AVAILABLE',
    })
  })
})
