import type { WindowMetricValue } from '../../core/quality/window-column-metric'
import type { DayMetrics } from '../../shared/domain/metrics'
import type {
  JobName,
  LogLevel,
  RunDetails,
  RunLogLine,
  RunRecord,
  RunState,
  TaskRunRecord,
} from '../../shared/domain/runs'

export interface NewRunRecord {
  readonly id: string
  readonly job: JobName
  readonly parameters: Readonly<Record<string, unknown>>
  readonly state: RunState
  readonly pid: number
  readonly hostname: string
  readonly parentSchedule?: string | null
}

export interface TaskStateUpdate {
  readonly id: string
  readonly runId: string
  readonly taskKey: string
  readonly state: RunState
  readonly attempts: number
  readonly error?: string | null
  readonly inputsFingerprint?: string | null
}

/** Where a stored window's metrics came from: a backfill over files or a table, or the live collector. */
export type MetricsSource = 'batch' | 'live'

export interface DayProvenance {
  /** The project the day belongs to; the course's (`nyc-taxi`) when absent. */
  readonly project?: string
  /** 'batch' when absent. */
  readonly source?: MetricsSource
  readonly referenceMonth: string | null
  readonly runId: string | null
  readonly inputsFingerprint: string | null
  /** A window's exclusive end (ISO or `YYYY-MM-DD`); absent/null for a course day (one day long). */
  readonly windowEnd?: string | null
}

export interface StoredDay extends DayProvenance {
  readonly metrics: DayMetrics
}

/** A held lock on some months' backfill (see `adapters/postgres/backfill-month-lock.ts`). */
export interface BackfillMonthLock {
  release(): Promise<void>
}

/** Why a month lock was not granted: which month, and the run holding it when it can be told. */
export interface BackfillMonthBusy {
  readonly month: string
  readonly runId: string | null
}

/**
 * What the run machinery needs from its store (the real one is PostgreSQL, `PostgresRunStore`).
 * `saveDayResult` writes a day's metrics and its task's Completed state in ONE transaction.
 */
export interface RunStore {
  /**
   * One backfill per month at a time across every process on this database (issue 9). Never waits:
   * answers which month is busy instead. Optional: a store without locks lets runs overlap.
   */
  lockBackfillMonths?(months: readonly string[]): Promise<BackfillMonthLock | BackfillMonthBusy>
  createRun(run: NewRunRecord): Promise<void>
  getRun(id: string): Promise<RunRecord | null>
  /** Resolves a full id or a unique prefix; null when none or ambiguous (`candidates` says which). */
  resolveRunId(idOrPrefix: string): Promise<{ id: string | null; candidates: number }>
  listRuns(limit?: number): Promise<RunRecord[]>
  listActiveRuns(): Promise<RunRecord[]>
  setRunState(
    id: string,
    state: RunState,
    message?: string | null,
    onlyFrom?: readonly RunState[],
  ): Promise<boolean>
  /**
   * Atomically sets the run Pending for this process (pid, host, heartbeat) if it is in `fromStates`.
   * @returns false when it was not (another process claimed it first, or it is running).
   */
  claimRun(
    id: string,
    pid: number,
    hostname: string,
    fromStates: readonly RunState[],
    message?: string | null,
  ): Promise<boolean>
  heartbeat(id: string): Promise<void>
  saveTask(update: TaskStateUpdate): Promise<string>
  listTasks(runId: string): Promise<TaskRunRecord[]>
  finishOpenTasks(runId: string, state: RunState, error: string): Promise<void>
  appendLog(
    runId: string,
    taskRunId: string | null,
    level: LogLevel,
    message: string,
  ): Promise<void>
  listLogs(runId: string, afterId?: number): Promise<RunLogLine[]>
  runDetails(id: string): Promise<RunDetails | null>
  saveDayResult(
    day: DayMetrics,
    provenance: DayProvenance,
    task: TaskStateUpdate,
    /** A project's extra per-window column metrics, stored in the same transaction. */
    columnMetrics?: readonly WindowMetricValue[],
    /**
     * `waitForDisk: false` commits without waiting for the WAL flush (PostgreSQL's synchronous_commit off,
     * this transaction only): hundreds of windows a second instead of one flush each. Atomicity is kept —
     * if the database server itself crashes, the last windows vanish together with their task states, and
     * a resume recomputes them. Default: wait.
     */
    options?: { readonly waitForDisk?: boolean },
  ): Promise<void>
  /** A project's (the course's by default) stored days in `[fromDate, toDate)`. */
  listStoredDays(
    fromDate: string,
    toDate: string,
    project?: string,
    source?: MetricsSource,
  ): Promise<StoredDay[]>
  databaseNow(): Promise<Date>
}
