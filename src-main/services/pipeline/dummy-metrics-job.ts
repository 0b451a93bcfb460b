import { randomUUID } from 'node:crypto'
import type { DummyMetricRow } from '../../adapters/postgres/dummy-metrics-repository'
import type { RunRecord } from '../../shared/domain/runs'
import { finishRun } from './finish-run'
import { RunEvents } from './run-events'
import { startRunLiveness } from './run-liveness'
import { RunLogger } from './run-logger'
import type { RunStore } from './run-store'

export interface DummyJobDependencies {
  readonly store: RunStore
  readonly insertRow: (row: DummyMetricRow) => Promise<void>
  readonly hostname: string
  readonly pid: number
  readonly random?: () => number
  readonly now?: () => Date
  /** Milliseconds between heartbeats, independent of the insert interval (default 5 s). */
  readonly heartbeatMs?: number
}

export interface DummyJobOptions {
  readonly intervalSeconds: number
  /** Stop after this many rows; unlimited when absent (stop with cancel or Ctrl-C). */
  readonly count?: number
  readonly signal?: AbortSignal
  readonly events?: RunEvents
  readonly parentSchedule?: string | null
}

/** One random row: `value1` an integer in [0, 1000], `value2` a uuid, `value3` a float in [0, 1). */
export function makeDummyRow(random: () => number, now: Date): DummyMetricRow {
  return {
    timestamp: localTimestamp(now),
    value1: Math.floor(random() * 1001),
    value2: randomUUID(),
    value3: random(),
  }
}

/**
 * Course section 5.5 (`dummy_metrics_calculation.py`): every `intervalSeconds` insert one row of random
 * values — `value1` an integer in [0, 1000], `value2` a uuid string, `value3` a float in [0, 1) — stamped
 * with the current time, to test the Grafana plumbing before real metrics exist. Recorded as a `dummy`
 * run that ends Completed after `count` rows, or Cancelled on a cancel request or the abort signal.
 */
export async function runDummyJob(
  deps: DummyJobDependencies,
  options: DummyJobOptions,
): Promise<RunRecord> {
  const { store } = deps
  const random = deps.random ?? Math.random
  const now = deps.now ?? (() => new Date())
  const events = options.events ?? new RunEvents()
  const runId = randomUUID()
  await store.createRun({
    id: runId,
    job: 'dummy',
    parameters: { intervalSeconds: options.intervalSeconds, count: options.count ?? null },
    state: 'Running',
    pid: deps.pid,
    hostname: deps.hostname,
    parentSchedule: options.parentSchedule ?? null,
  })
  await store.setRunState(runId, 'Running')
  // On its own timer: with a long interval, beating only between inserts would look like a dead run.
  const releaseLiveness = startRunLiveness(store, runId, deps.heartbeatMs)
  const logger = new RunLogger(store, events, runId)
  events.emit({ type: 'run-started', runId, job: 'dummy', totalTasks: options.count ?? 0 })
  let inserted = 0
  let final: { state: 'Completed' | 'Cancelled' | 'Failed'; message: string }
  try {
    const started = Date.now()
    while (options.count === undefined || inserted < options.count) {
      if (options.signal?.aborted === true || (await store.getRun(runId))?.state === 'Cancelling')
        break
      const row = makeDummyRow(random, now())
      await deps.insertRow(row)
      inserted++
      logger.log(
        'info',
        `Inserted dummy row ${inserted}: value1=${row.value1} value3=${row.value3.toFixed(4)}`,
      )
      if (options.count !== undefined && inserted >= options.count) break
      const next = started + inserted * options.intervalSeconds * 1000
      await sleep(Math.max(0, next - Date.now()), options.signal)
    }
    final =
      options.count !== undefined && inserted >= options.count
        ? { state: 'Completed', message: `Inserted ${inserted} row(s).` }
        : { state: 'Cancelled', message: `Stopped after ${inserted} row(s).` }
  } catch (error) {
    final = { state: 'Failed', message: error instanceof Error ? error.message : String(error) }
    logger.log('error', final.message)
  }
  releaseLiveness()
  await logger.flushed()
  // Never over a state another process set meanwhile (Crashed): then that state is what finished.
  await finishRun(store, runId, final)
  const run = (await store.getRun(runId)) as RunRecord
  events.emit({ type: 'run-finished', runId, state: run.state, message: run.stateMessage })
  return run
}

/** `YYYY-MM-DD HH:MM:SS.sss` in local time, as Python's `datetime.now()` that the course stores. */
function localTimestamp(date: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
