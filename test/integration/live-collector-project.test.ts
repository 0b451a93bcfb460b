import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listColumnMetrics } from '../../src-main/adapters/postgres/column-metrics-repository'
import { listDayMetrics } from '../../src-main/adapters/postgres/metrics-repository'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import {
  storePredictionFeedback,
  storePredictionFeedbackBatch,
} from '../../src-main/adapters/postgres/prediction-log-repository'
import { PredictionLogWriter } from '../../src-main/adapters/postgres/prediction-log-writer'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import { buildPredictionServer } from '../../src-main/server/prediction/build-prediction-server'
import { resolveProject } from '../../src-main/services/projects/resolve-project'
import { PredictionService } from '../../src-main/services/serving/prediction-service'
import { ownServedProject } from '../../src-main/services/serving/served-project'
import type { StoredDay } from '../../src-main/services/pipeline/run-store'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { jsonLines, runCli } from '../support/run-cli'

/**
 * `collect --project NAME|FILE` for a learner's own project (issue #12): rows logged through a real
 * `POST /log` (the prediction service's server on a real socket, its real log writer) and labelled
 * through `POST /feedback`; the collector's stored windows must equal, number for number (1e-12
 * relative), what `backfill --project` stores for the same rows read from a CSV file: drift per column,
 * missing values, extra metrics (column_metrics) and MAE/RMSE (from the feedback). Day and hourly
 * windows; a logged row of the wrong type fails its window alone.
 */

const HOUR = 3_600_000

interface Row {
  ts: string
  amount: number | null
  visits: number | null
  plan: string | null
  target: number
  prediction: number
}

/** A seeded generator (mulberry32), so the data and the numbers are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function naive(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** `count` rows from `startMs`, evenly spread over `hours` hours; `shift` moves the distributions. */
function rows(
  random: () => number,
  startMs: number,
  hours: number,
  count: number,
  shift: (ms: number) => number,
): Row[] {
  const plans = ['basic', 'pro', 'team']
  return Array.from({ length: count }, (_, i) => {
    const ms = startMs + Math.floor((i * hours * HOUR) / count) + Math.floor(random() * 1000) * 1000
    const s = shift(ms)
    const amount = 20 + 10 * random() + s * 8
    const target = Number((amount * 0.5 + random() * 3).toFixed(4))
    return {
      ts: naive(ms),
      amount: random() < 0.08 ? null : Number(amount.toFixed(4)),
      visits: random() < 0.05 ? null : Math.floor(random() * (6 + s * 4)),
      plan:
        random() < 0.06 ? null : (plans[Math.floor(random() * (3 - (s > 0.5 ? 1 : 0)))] as string),
      target,
      prediction: Number((target + (random() - 0.5) * (2 + s * 3)).toFixed(4)),
    }
  })
}

function csv(data: readonly Row[]): string {
  const cell = (v: number | string | null): string => (v === null ? '' : String(v))
  // Every float column keeps a decimal point, so the CSV reader types it float64 as the log's JSON does.
  const float = (v: number | null): string => (v === null ? '' : v.toFixed(4))
  return (
    'ts,amount,visits,plan,target,prediction\n' +
    data
      .map((r) =>
        [
          r.ts,
          float(r.amount),
          cell(r.visits),
          cell(r.plan),
          float(r.target),
          float(r.prediction),
        ].join(','),
      )
      .join('\n') +
    '\n'
  )
}

function projectYaml(name: string, every: string): string {
  return [
    `name: ${name}`,
    'reference: reference.csv',
    'current: current.csv',
    'mapping:',
    '  target: target',
    '  prediction: prediction',
    '  numerical_features: [amount, visits]',
    '  categorical_features: [plan]',
    'window:',
    '  column: ts',
    `  every: ${every}`,
    'metrics:',
    '  - { column: amount, metric: quantile, quantile: 0.5 }',
    '  - { column: amount, metric: mean }',
    '  - { column: visits, metric: value_range }',
    '  - { column: plan, metric: missing_count }',
    '',
  ].join('\n')
}

const RELATIVE = 1e-12
function close(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true
  if (typeof actual !== 'number' || typeof expected !== 'number') return false
  return Math.abs(actual - expected) <= RELATIVE * Math.max(Math.abs(actual), Math.abs(expected))
}

/** Every stored number of a live window equals the batch window's. */
function expectSameWindow(live: StoredDay, batch: StoredDay): void {
  const where = `window ${live.metrics.date}`
  const l = live.metrics
  const b = batch.metrics
  expect(l.rows, where).toBe(b.rows)
  expect(l.error, where).toBe(b.error)
  for (const field of [
    'predictionDrift',
    'numDriftedColumns',
    'shareOfDriftedColumns',
    'datasetDrift',
    'shareMissingValues',
    'mae',
    'rmse',
  ] as const)
    expect(
      close(l[field], b[field]),
      `${where} ${field}: live ${l[field]} vs batch ${b[field]}`,
    ).toBe(true)
  expect(l.numDriftedColumns, where).not.toBeNull()
  expect(l.mae, `${where}: MAE from the feedback`).not.toBeNull()
  expect(
    l.columns.map((c) => c.column),
    where,
  ).toEqual(b.columns.map((c) => c.column))
  expect(l.columns.length, where).toBeGreaterThanOrEqual(5) // target, prediction, amount, visits, plan
  for (const [i, column] of l.columns.entries()) {
    const other = b.columns[i]!
    expect(column.stattest, `${where} ${column.column}`).toBe(other.stattest)
    expect(column.driftDetected, `${where} ${column.column}`).toBe(other.driftDetected)
    expect(
      close(column.driftScore, other.driftScore),
      `${where} ${column.column} drift: live ${column.driftScore} vs batch ${other.driftScore}`,
    ).toBe(true)
  }
  expect(l.missingByColumn, where).toEqual(b.missingByColumn)
}

let server: TestPostgres
let pool: DatabasePool
let writer: PredictionLogWriter
let home: string
let dir: string
const apps: FastifyInstance[] = []
const common = (): string[] => ['--database-url', server.url, '--home', home]

/** A real `serve --project FILE` service (the server builder, listening on a loopback socket). */
async function serve(projectFile: string): Promise<string> {
  const resolved = await resolveProject(projectFile, async () => pool)
  if (resolved.kind !== 'own') throw new Error('expected an own project')
  const service = new PredictionService({
    project: await ownServedProject(resolved),
    log: writer,
    storeFeedback: (id, actual) => storePredictionFeedback(pool, id, actual),
    storeFeedbackBatch: (items) => storePredictionFeedbackBatch(pool, items),
  })
  const app = buildPredictionServer({
    service,
    checkDatabase: async () => {
      await pool.query('SELECT 1')
    },
    pendingLogRows: () => writer.pendingRows,
  })
  apps.push(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return `http://127.0.0.1:${address.port}`
}

async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

/** POSTs every row to /log (batches of 100, as a client would), then each one's target to /feedback. */
async function logAndLabel(url: string, data: readonly Row[]): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < data.length; i += 100) {
    const batch = data.slice(i, i + 100)
    const logged = await post(`${url}/log`, batch)
    expect(logged.status, JSON.stringify(logged.json)).toBe(200)
    ids.push(...(logged.json.logged as { requestId: string }[]).map((l) => l.requestId))
  }
  for (let i = 0; i < data.length; i += 100) {
    const feedback = data
      .slice(i, i + 100)
      .map((r, k) => ({ requestId: ids[i + k], actual: r.target }))
    const stored = await post(`${url}/feedback`, feedback)
    expect(stored.status, JSON.stringify(stored.json)).toBe(200)
  }
  return ids
}

const stored = (project: string, source: 'live' | 'batch'): Promise<StoredDay[]> =>
  listDayMetrics(pool, '0001-01-01', '9999-12-31', project, source)

async function columnMetricsOf(
  project: string,
  source: 'live' | 'batch',
): Promise<Map<string, unknown[]>> {
  const values = await listColumnMetrics(pool, {
    project,
    source,
    from: '0001-01-01',
    to: '9999-12-31',
  })
  const byWindow = new Map<string, unknown[]>()
  for (const v of values) {
    const list = byWindow.get(v.window) ?? []
    list.push({
      column: v.column,
      metric: v.metric,
      parameter: v.parameter,
      value: v.value,
      error: v.error ?? null,
    })
    byWindow.set(v.window, list)
  }
  return byWindow
}

let current: Row[]
let reference: Row[]

beforeAll(async () => {
  server = await startTestPostgres()
  pool = createPool(server.url)
  await runMigrations(pool)
  writer = new PredictionLogWriter(pool)
  home = await mkdtemp(join(tmpdir(), 'driftdesk-collect-project-home-'))
  dir = await mkdtemp(join(tmpdir(), 'driftdesk-collect-project-'))
  const random = seeded(20241207)
  reference = rows(random, Date.UTC(2024, 1, 1), 24 * 7, 400, () => 0)
  // Three days; the second drifts (amount up, a plan gone), the third recovers half-way.
  current = rows(random, Date.UTC(2024, 2, 1), 72, 240, (ms) =>
    ms >= Date.UTC(2024, 2, 2) && ms < Date.UTC(2024, 2, 3)
      ? 1
      : ms >= Date.UTC(2024, 2, 3, 12)
        ? 0.4
        : 0,
  )
  await writeFile(join(dir, 'reference.csv'), csv(reference))
  await writeFile(join(dir, 'current.csv'), csv(current))
  await writeFile(join(dir, 'shop.yaml'), projectYaml('shop', '1d'))
  await writeFile(join(dir, 'shop-hourly.yaml'), projectYaml('shop-hourly', '1h'))
  await writeFile(join(dir, 'shop-bad.yaml'), projectYaml('shop-bad', '1d'))
  await writeFile(join(dir, 'shop-labels.yaml'), projectYaml('shop-labels', '1d'))
}, 120_000)

afterAll(async () => {
  for (const app of apps) await app.close()
  await writer?.close()
  await pool?.end()
  await server?.stop()
  for (const folder of [home, dir])
    if (folder !== undefined) await rm(folder, { recursive: true, force: true })
})

describe('collect --project FILE: an own project logged through POST /log', () => {
  it('stores every window with exactly the numbers backfill --project stores for the same rows', async () => {
    const url = await serve(join(dir, 'shop.yaml'))
    await logAndLabel(url, current)
    const collect = await runCli([
      'collect',
      '--project',
      join(dir, 'shop.yaml'),
      '--json',
      ...common(),
    ])
    expect(collect.code, collect.stderr).toBe(0)
    const printed = jsonLines(collect.stdout)
    expect(printed.map((w) => w.date)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03'])
    // The log ran out inside the last day: computed, but provisional until a later row closes it.
    expect(printed.map((w) => w.provisional ?? false)).toEqual([false, false, true])

    const backfill = await runCli([
      'backfill',
      '--project',
      join(dir, 'shop.yaml'),
      '--json',
      ...common(),
    ])
    expect(backfill.code, backfill.stderr).toBe(0)

    const live = await stored('shop', 'live')
    const batch = await stored('shop', 'batch')
    expect(live.map((w) => w.metrics.date)).toEqual(batch.map((w) => w.metrics.date))
    for (const [i, window] of live.entries()) expectSameWindow(window, batch[i]!)
    // The drifting day is seen as such (the comparison above is not between two empty answers).
    expect(live[1]!.metrics.numDriftedColumns).toBeGreaterThan(0)

    const liveExtra = await columnMetricsOf('shop', 'live')
    const batchExtra = await columnMetricsOf('shop', 'batch')
    expect([...liveExtra.keys()]).toEqual(['2024-03-01', '2024-03-02', '2024-03-03'])
    for (const [window, values] of batchExtra) {
      const mine = liveExtra.get(window) as { value: number | null }[]
      expect(mine, window).toHaveLength(values.length)
      expect(mine.length).toBe(5) // quantile, mean, min, max, missing_count
      for (const [k, value] of (values as { value: number | null }[]).entries())
        expect(
          close(mine[k]!.value, value.value),
          `${window} ${JSON.stringify(mine[k])} vs ${JSON.stringify(value)}`,
        ).toBe(true)
      expect(mine.map((v) => ({ ...v, value: null }))).toEqual(
        values.map((v) => ({ ...(v as object), value: null })),
      )
    }

    const labels = await pool.query<{ labelled_rows: number; labelled_share: number }>(
      `SELECT labelled_rows, labelled_share FROM daily_metrics WHERE project = 'shop' AND source = 'live' ORDER BY "timestamp"`,
    )
    expect(labels.rows.map((r) => r.labelled_share)).toEqual([1, 1, 1])
  }, 240_000)

  it('hourly windows: keyed by their ISO start as the backfill keys them, with window_end, same numbers', async () => {
    const url = await serve(join(dir, 'shop-hourly.yaml'))
    const day = current.filter((r) => r.ts < '2024-03-01 06:00:00')
    await logAndLabel(url, day)
    const collect = await runCli([
      'collect',
      '--project',
      join(dir, 'shop-hourly.yaml'),
      '--json',
      ...common(),
    ])
    expect(collect.code, collect.stderr).toBe(0)
    await writeFile(join(dir, 'current-hourly.csv'), csv(day))
    const backfill = await runCli([
      'backfill',
      '--project',
      join(dir, 'shop-hourly.yaml'),
      '--reference',
      join(dir, 'reference.csv'),
      '--current',
      join(dir, 'current-hourly.csv'),
      '--json',
      ...common(),
    ])
    expect(backfill.code, backfill.stderr).toBe(0)
    const live = await stored('shop-hourly', 'live')
    const batch = await stored('shop-hourly', 'batch')
    expect(live.map((w) => w.metrics.date)).toEqual([
      '2024-03-01',
      '2024-03-01T01:00:00',
      '2024-03-01T02:00:00',
      '2024-03-01T03:00:00',
      '2024-03-01T04:00:00',
      '2024-03-01T05:00:00',
    ])
    expect(live.map((w) => w.metrics.date)).toEqual(batch.map((w) => w.metrics.date))
    for (const [i, window] of live.entries()) expectSameWindow(window, batch[i]!)
    const ends = await pool.query<{ window_end: string; provisional: boolean }>(
      `SELECT window_end::text, provisional FROM daily_metrics WHERE project = 'shop-hourly' AND source = 'live' ORDER BY "timestamp"`,
    )
    expect(ends.rows.map((r) => r.window_end)).toEqual(
      [1, 2, 3, 4, 5, 6].map((h) => `2024-03-01 0${h}:00:00`),
    )
    expect(ends.rows.map((r) => r.provisional)).toEqual([false, false, false, false, false, true])
    // `metrics --source live` prints the closed windows and holds back the provisional (last) hour.
    const metrics = await runCli([
      'metrics',
      '--project',
      'shop-hourly',
      '--source',
      'live',
      '--month',
      '2024-03',
      '--json',
      ...common(),
    ])
    expect(metrics.code, metrics.stderr).toBe(0)
    expect(jsonLines(metrics.stdout).map((w) => w.date)).toEqual([
      '2024-03-01',
      '2024-03-01T01:00:00',
      '2024-03-01T02:00:00',
      '2024-03-01T03:00:00',
      '2024-03-01T04:00:00',
    ])
    const tasks = await pool.query<{ task_key: string }>(
      `SELECT t.task_key FROM task_runs t JOIN runs r ON r.id = t.run_id
        WHERE r.job = 'collect' AND r.parameters->>'project' = 'shop-hourly' ORDER BY t.task_key`,
    )
    expect(tasks.rows.map((r) => r.task_key)).toContain('window:2024-03-01T05:00:00')
  }, 240_000)

  it('a logged row of the wrong type fails its window, naming the column and the row; the others are stored', async () => {
    const url = await serve(join(dir, 'shop-bad.yaml'))
    const two = current.filter((r) => r.ts < '2024-03-03 00:00:00')
    await logAndLabel(url, two)
    // The service refuses such a row (400 naming the field) ...
    const refused = await post(`${url}/log`, { ...two[0], plan: 42 })
    expect(refused.status).toBe(400)
    expect(String(refused.json.message)).toMatch(/plan/)
    // ... but a log written by an older service, or by hand, may hold one.
    const bad = await pool.query<{ request_id: string }>(
      `UPDATE prediction_log SET record = jsonb_set(record, '{plan}', '42')
        WHERE request_id = (SELECT request_id FROM prediction_log WHERE project = 'shop-bad'
                             AND event_time >= '2024-03-02' ORDER BY event_time LIMIT 1)
        RETURNING request_id::text`,
    )
    const badId = bad.rows[0]!.request_id
    const failed = await runCli(['collect', '--project', join(dir, 'shop-bad.yaml'), ...common()])
    expect(failed.code, failed.stderr).toBe(1)
    expect(failed.stderr).toContain(`Column 'plan' of logged row ${badId}`)
    expect(failed.stderr).toMatch(/holds 42, but the column holds a string or null/)
    const windows = await stored('shop-bad', 'live')
    expect(windows.map((w) => w.metrics.date)).toEqual(['2024-03-01', '2024-03-02'])
    expect(windows[0]!.metrics.error).toBeUndefined()
    expect(windows[0]!.metrics.numDriftedColumns).not.toBeNull()
    expect(windows[1]!.metrics.error).toContain(`Column 'plan' of logged row ${badId}`)
    expect(windows[1]!.metrics.numDriftedColumns).toBeNull()
    const task = await pool.query<{ state: string; error: string }>(
      `SELECT t.state, t.error FROM task_runs t JOIN runs r ON r.id = t.run_id
        WHERE r.parameters->>'project' = 'shop-bad' AND t.task_key = 'window:2024-03-02'`,
    )
    expect(task.rows[0]).toMatchObject({ state: 'Failed' })

    // Fixed in the log, the next collector computes the failed window again (and only it).
    await pool.query(
      `UPDATE prediction_log SET record = jsonb_set(record, '{plan}', '"pro"') WHERE request_id = $1`,
      [badId],
    )
    const again = await runCli([
      'collect',
      '--project',
      join(dir, 'shop-bad.yaml'),
      '--json',
      ...common(),
    ])
    expect(again.code, again.stderr).toBe(0)
    expect(jsonLines(again.stdout).map((w) => w.date)).toEqual(['2024-03-02'])
    const fixed = await stored('shop-bad', 'live')
    expect(fixed[1]!.metrics.error).toBeUndefined()
    expect(fixed[1]!.metrics.numDriftedColumns).not.toBeNull()
  }, 240_000)

  it('delayed labels: rows logged without the target; MAE/RMSE and the labelled share arrive with the feedback, late feedback updates a closed window', async () => {
    const url = await serve(join(dir, 'shop-labels.yaml'))
    const two = current.filter((r) => r.ts < '2024-03-03 00:00:00')
    const logged: string[] = []
    for (let i = 0; i < two.length; i += 100) {
      const batch = two.slice(i, i + 100).map(({ target: _target, ...rest }) => rest)
      const answer = await post(`${url}/log`, batch)
      expect(answer.status, JSON.stringify(answer.json)).toBe(200)
      logged.push(...(answer.json.logged as { requestId: string }[]).map((l) => l.requestId))
    }
    const first = await runCli(['collect', '--project', join(dir, 'shop-labels.yaml'), ...common()])
    expect(first.code, first.stderr).toBe(0)
    // A window whose rows hold no target is computed as a file without that column would be.
    const noTarget = (rows: readonly Row[]): string =>
      csv(rows)
        .split('\n')
        .map((line) =>
          line
            .split(',')
            .filter((_, k) => k !== 4)
            .join(','),
        )
        .join('\n')
    await writeFile(join(dir, 'reference-no-target.csv'), noTarget(reference))
    await writeFile(join(dir, 'current-no-target.csv'), noTarget(two))
    const backfill = await runCli([
      'backfill',
      '--reference',
      join(dir, 'reference-no-target.csv'),
      '--current',
      join(dir, 'current-no-target.csv'),
      '--prediction',
      'prediction',
      '--numerical',
      'amount,visits',
      '--categorical',
      'plan',
      '--datetime',
      'ts',
      '--name',
      'shop-labels',
      ...common(),
    ])
    expect(backfill.code, backfill.stderr).toBe(0)
    interface Labels {
      labelled_rows: number
      labelled_share: number
      mae: number | null
      rmse: number | null
    }
    const labels = async (): Promise<Labels[]> =>
      (
        await pool.query<Labels>(
          `SELECT labelled_rows, labelled_share, mae, rmse FROM daily_metrics
            WHERE project = 'shop-labels' AND source = 'live' ORDER BY "timestamp"`,
        )
      ).rows
    expect(await labels()).toEqual([
      { labelled_rows: 0, labelled_share: 0, mae: null, rmse: null },
      { labelled_rows: 0, labelled_share: 0, mae: null, rmse: null },
    ])
    const live = await stored('shop-labels', 'live')
    const batch = await stored('shop-labels', 'batch')
    expect(live.map((w) => w.metrics.date)).toEqual(['2024-03-01', '2024-03-02'])
    for (const [i, window] of live.entries()) {
      expect(window.metrics.columns.map((c) => c.column)).not.toContain('target')
      expect(Object.keys(window.metrics.missingByColumn)).not.toContain('target')
      for (const field of ['predictionDrift', 'numDriftedColumns', 'shareMissingValues'] as const)
        expect(close(window.metrics[field], batch[i]!.metrics[field]), field).toBe(true)
    }

    // The first day's labels arrive after it closed: the next look recomputes its label metrics only.
    const day1 = two.map((r, k) => [r, logged[k]] as const).filter(([r]) => r.ts < '2024-03-02')
    const answer = await post(
      `${url}/feedback`,
      day1.map(([r, id]) => ({ requestId: id, actual: r.target })),
    )
    expect(answer.status).toBe(200)
    const again = await runCli([
      'collect',
      '--project',
      join(dir, 'shop-labels.yaml'),
      '--json',
      ...common(),
    ])
    expect(again.code, again.stderr).toBe(0)
    expect(jsonLines(again.stdout)).toEqual([]) // no window computed again
    const errors = day1.map(([r]) => r.prediction - r.target)
    const mae = errors.reduce((sum, e) => sum + Math.abs(e), 0) / errors.length
    const rmse = Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / errors.length)
    const [first1, second] = await labels()
    expect(first1!.labelled_rows).toBe(day1.length)
    expect(first1!.labelled_share).toBe(1)
    expect(close(first1!.mae, mae), `${first1!.mae} vs ${mae}`).toBe(true)
    expect(close(first1!.rmse, rmse), `${first1!.rmse} vs ${rmse}`).toBe(true)
    expect(second).toEqual({ labelled_rows: 0, labelled_share: 0, mae: null, rmse: null })
  }, 240_000)
})

/**
 * Issue #12 review: the collector stored each window's inputs fingerprint but never read it back, so a
 * window stored before the project's inputs changed (here: an added `--metric`) was reused as it was.
 * A window stored from other inputs is computed again, once, with a log line saying why; with the same
 * inputs every stored window is reused.
 */
describe('collect --project: stored windows and the project inputs', () => {
  it('recomputes the stored windows when --metric is added, and reuses them when nothing changed', async () => {
    const file = join(dir, 'shop-inputs.yaml')
    await writeFile(file, projectYaml('shop-inputs', '1d'))
    const url = await serve(file)
    await logAndLabel(url, current)
    const collect = (...extra: string[]) =>
      runCli(['collect', '--project', file, '--json', ...extra, ...common()])
    const first = await collect()
    expect(first.code, first.stderr).toBe(0)
    expect(jsonLines(first.stdout).map((w) => w.date)).toEqual([
      '2024-03-01',
      '2024-03-02',
      '2024-03-03',
    ])
    const hasVisitsMean = async (): Promise<string[]> =>
      [...(await columnMetricsOf('shop-inputs', 'live')).entries()]
        .filter(([, values]) =>
          values.some((v) => {
            const value = v as { column: string; metric: string }
            return value.column === 'visits' && value.metric === 'mean'
          }),
        )
        .map(([window]) => window)
    expect(await hasVisitsMean()).toEqual([])

    // Same inputs: nothing computed again.
    const same = await collect()
    expect(same.code, same.stderr).toBe(0)
    expect(jsonLines(same.stdout)).toEqual([])

    // An added --metric: every stored window is computed again and carries the new metric.
    const added = await collect('--metric', 'mean:visits')
    expect(added.code, added.stderr).toBe(0)
    expect(jsonLines(added.stdout).map((w) => w.date)).toEqual([
      '2024-03-01',
      '2024-03-02',
      '2024-03-03',
    ])
    // The run's log (the panel's and `logs`' view) says why, once per window.
    const runId = /Run ([0-9a-f-]{36})/.exec(added.stderr)?.[1]
    expect(runId, added.stderr).toBeDefined()
    const why = await pool.query<{ message: string }>(
      `SELECT message FROM run_logs WHERE run_id = $1 AND message LIKE '%stored from other inputs%' ORDER BY message`,
      [runId],
    )
    expect(why.rows.map((r) => r.message.slice(0, 10))).toEqual([
      '2024-03-01',
      '2024-03-02',
      '2024-03-03',
    ])
    expect(await hasVisitsMean()).toEqual(['2024-03-01', '2024-03-02', '2024-03-03'])
    const visitsMean = (await columnMetricsOf('shop-inputs', 'live'))
      .get('2024-03-01')!
      .find(
        (v) =>
          (v as { column: string; metric: string }).column === 'visits' &&
          (v as { metric: string }).metric === 'mean',
      ) as { value: number }
    const day1 = current.filter((r) => r.ts < '2024-03-02' && r.visits !== null)
    const mean = day1.reduce((sum, r) => sum + (r.visits as number), 0) / day1.length
    expect(close(visitsMean.value, mean), `${visitsMean.value} vs ${mean}`).toBe(true)

    // The same inputs again (with the flag): reused, once recomputed is enough.
    const again = await collect('--metric', 'mean:visits')
    expect(again.code, again.stderr).toBe(0)
    expect(jsonLines(again.stdout)).toEqual([])
  }, 240_000)
})

/**
 * Issue #12 review: PostgreSQL keeps timestamps to the microsecond and rounds a finer fraction, while the
 * collector's parser truncates, so a row logged at 23:59:59.9999996 could fall in different windows live
 * and in the backfill. The service accepts at most 6 fractional digits and refuses more (400 naming it).
 */
describe('POST /log: event time fractions', () => {
  it('accepts up to 6 fractional digits of a second and refuses 7-9, naming the field', async () => {
    const file = join(dir, 'shop-ts.yaml')
    await writeFile(file, projectYaml('shop-ts', '1d'))
    const url = await serve(file)
    const row = current[0]!
    for (const ts of ['2024-03-01 23:59:59.9999996', '2024-03-01T23:59:59.123456789']) {
      const refused = await post(`${url}/log`, { ...row, ts })
      expect(refused.status, `${ts}: ${JSON.stringify(refused.json)}`).toBe(400)
      expect(String(refused.json.message)).toMatch(/\bts\b/)
    }
    for (const ts of ['2024-03-01 23:59:59.999999', '2024-03-01T23:59:59.5', '2024-03-01 23:59']) {
      const accepted = await post(`${url}/log`, { ...row, ts })
      expect(accepted.status, `${ts}: ${JSON.stringify(accepted.json)}`).toBe(200)
    }
  }, 120_000)
})
