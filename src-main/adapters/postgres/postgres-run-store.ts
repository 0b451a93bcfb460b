import type { DayMetrics } from '../../shared/domain/metrics'
import type {
  LogLevel,
  RunDetails,
  RunLogLine,
  RunRecord,
  RunState,
  TaskRunRecord,
} from '../../shared/domain/runs'
import type {
  BackfillMonthBusy,
  BackfillMonthLock,
  DayProvenance,
  MetricsSource,
  NewRunRecord,
  RunStore,
  StoredDay,
  TaskStateUpdate,
} from '../../services/pipeline/run-store'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { WindowMetricValue } from '../../core/quality/window-column-metric'
import { tryLockBackfillMonths } from './backfill-month-lock'
import { saveColumnMetrics } from './column-metrics-repository'
import { listDayMetrics, saveDayMetrics } from './metrics-repository'
import { saveWindowExplain } from './explain-repository'
import type { DatabasePool } from './pool'
import { withTransaction } from './pool'
import { appendRunLog, listRunLogs } from './run-log-repository'
import {
  claimRun,
  databaseNow,
  findRunIdByPrefix,
  getRun,
  insertRun,
  listActiveRuns,
  listRuns,
  setRunState,
  touchRunHeartbeat,
} from './run-repository'
import { finishOpenTaskRuns, listTaskRuns, saveTaskRun } from './task-run-repository'

/** The run store on PostgreSQL: the repositories, composed, with the one multi-table transaction. */
export class PostgresRunStore implements RunStore {
  constructor(private readonly pool: DatabasePool) {}

  lockBackfillMonths(months: readonly string[]): Promise<BackfillMonthLock | BackfillMonthBusy> {
    return tryLockBackfillMonths(this.pool, months)
  }

  /** One backfill per project of a learner's own data (the month lock's key with month '*'). */
  lockProjectBackfill(project: string): Promise<BackfillMonthLock | BackfillMonthBusy> {
    return tryLockBackfillMonths(this.pool, ['*'], project)
  }

  createRun(run: NewRunRecord): Promise<void> {
    return insertRun(this.pool, run)
  }
  getRun(id: string): Promise<RunRecord | null> {
    return getRun(this.pool, id)
  }
  async resolveRunId(idOrPrefix: string): Promise<{ id: string | null; candidates: number }> {
    if (!/^[0-9a-f-]{1,36}$/i.test(idOrPrefix)) return { id: null, candidates: 0 }
    const ids = await findRunIdByPrefix(this.pool, idOrPrefix)
    return { id: ids.length === 1 ? (ids[0] as string) : null, candidates: ids.length }
  }
  listRuns(limit?: number): Promise<RunRecord[]> {
    return listRuns(this.pool, limit)
  }
  listActiveRuns(): Promise<RunRecord[]> {
    return listActiveRuns(this.pool)
  }
  setRunState(
    id: string,
    state: RunState,
    message: string | null = null,
    onlyFrom?: readonly RunState[],
  ): Promise<boolean> {
    return setRunState(this.pool, id, state, message, onlyFrom)
  }
  claimRun(
    id: string,
    pid: number,
    hostname: string,
    fromStates: readonly RunState[],
    message?: string | null,
  ): Promise<boolean> {
    return claimRun(this.pool, id, pid, hostname, fromStates, message)
  }
  heartbeat(id: string): Promise<void> {
    return touchRunHeartbeat(this.pool, id)
  }
  saveTask(update: TaskStateUpdate): Promise<string> {
    return saveTaskRun(this.pool, update)
  }
  listTasks(runId: string): Promise<TaskRunRecord[]> {
    return listTaskRuns(this.pool, runId)
  }
  finishOpenTasks(runId: string, state: RunState, error: string): Promise<void> {
    return finishOpenTaskRuns(this.pool, runId, state, error)
  }
  appendLog(
    runId: string,
    taskRunId: string | null,
    level: LogLevel,
    message: string,
  ): Promise<void> {
    return appendRunLog(this.pool, runId, taskRunId, level, message)
  }
  listLogs(runId: string, afterId?: number): Promise<RunLogLine[]> {
    return listRunLogs(this.pool, runId, afterId)
  }
  async runDetails(id: string): Promise<RunDetails | null> {
    const run = await getRun(this.pool, id)
    if (run === null) return null
    const [tasks, logs] = await Promise.all([
      listTaskRuns(this.pool, id),
      listRunLogs(this.pool, id),
    ])
    return { run, tasks, logs }
  }
  async saveDayResult(
    day: DayMetrics,
    provenance: DayProvenance,
    task: TaskStateUpdate,
    columnMetrics?: readonly WindowMetricValue[],
    options: { readonly waitForDisk?: boolean } = {},
  ): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      // Only for this transaction: see RunStore.saveDayResult.
      if (options.waitForDisk === false) await client.query('SET LOCAL synchronous_commit TO OFF')
      await saveDayMetrics(client, day, provenance)
      if (day.explain !== undefined)
        await saveWindowExplain(client, day.date, day.explain, provenance)
      if (columnMetrics !== undefined)
        await saveColumnMetrics(
          client,
          {
            project: provenance.project ?? COURSE_PROJECT,
            source: provenance.source ?? 'batch',
            window: day.date,
          },
          columnMetrics,
        )
      await saveTaskRun(client, task)
    })
  }
  async listStoredDays(
    fromDate: string,
    toDate: string,
    project?: string,
    source?: MetricsSource,
  ): Promise<StoredDay[]> {
    return listDayMetrics(this.pool, fromDate, toDate, project, source)
  }
  databaseNow(): Promise<Date> {
    return databaseNow(this.pool)
  }
}
