/**
 * Runs, task runs, their logs and progress events: what Prefect's UI showed the course, as plain data
 * shared by the store, the pipeline service, the CLI and the renderer. Times are ISO strings.
 */
import type { DayMetrics } from './metrics'

/**
 * Prefect's state names, where they apply (https://docs.prefect.io/concepts/states).
 * Scheduled → Pending → Running → (Retrying → Running)* → Completed | Failed | Cancelling → Cancelled;
 * Crashed is set at the next start when the process that owned a Running run died.
 */
export type RunState =
  | 'Scheduled'
  | 'Pending'
  | 'Running'
  | 'Retrying'
  | 'Completed'
  | 'Failed'
  | 'Cancelling'
  | 'Cancelled'
  | 'Crashed'

/** States after which a run or task never changes again. */
export const TERMINAL_RUN_STATES: readonly RunState[] = [
  'Completed',
  'Failed',
  'Cancelled',
  'Crashed',
]

/** The jobs a run can be of. */
export type JobName = 'train' | 'backfill' | 'dummy' | 'collect'

export interface RunRecord {
  readonly id: string
  readonly job: JobName
  readonly parameters: Readonly<Record<string, unknown>>
  readonly state: RunState
  readonly stateMessage: string | null
  readonly createdAt: string
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly heartbeatAt: string | null
  readonly pid: number | null
  readonly hostname: string | null
  /** The schedule that fired this run, or null for a run started by hand. */
  readonly parentSchedule: string | null
}

export interface TaskRunRecord {
  readonly id: string
  readonly runId: string
  /** One unit of work, e.g. `day:2022-02-01`. */
  readonly taskKey: string
  readonly state: RunState
  readonly attempts: number
  readonly startedAt: string | null
  readonly endedAt: string | null
  readonly error: string | null
  /** Model + reference + data file checksum + engine version: equal means the stored result still holds. */
  readonly inputsFingerprint: string | null
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error'

export interface RunLogLine {
  readonly id: number
  readonly runId: string
  readonly taskRunId: string | null
  readonly at: string
  readonly level: LogLevel
  readonly message: string
}

/** A run with its tasks and logs, as `runs show` and the app display it. */
export interface RunDetails {
  readonly run: RunRecord
  readonly tasks: readonly TaskRunRecord[]
  readonly logs: readonly RunLogLine[]
}

/** One scheduled job (a cron expression and the job to start). */
export interface ScheduleRecord {
  readonly name: string
  readonly cron: string
  readonly job: JobName
  readonly parameters: Readonly<Record<string, unknown>>
  readonly lastFiredAt: string | null
  readonly enabled: boolean
}

/**
 * Everything a run reports while it goes on, from one typed source (see `RunEvents`). Every run ends with
 * exactly one `run-finished` event.
 */
export type RunProgressEvent =
  | {
      readonly type: 'run-started'
      readonly runId: string
      readonly job: JobName
      readonly totalTasks: number
    }
  | {
      readonly type: 'task-state'
      readonly runId: string
      readonly taskKey: string
      readonly state: RunState
      readonly attempt: number
      readonly message?: string
    }
  | {
      readonly type: 'day-result'
      readonly runId: string
      readonly metrics: DayMetrics
      /** True when the stored result was reused (same inputs fingerprint) rather than computed. */
      readonly skipped: boolean
      readonly done: number
      readonly total: number
    }
  | {
      readonly type: 'log'
      readonly runId: string
      readonly level: LogLevel
      readonly message: string
    }
  | {
      readonly type: 'run-finished'
      readonly runId: string
      readonly state: RunState
      readonly message: string | null
    }
