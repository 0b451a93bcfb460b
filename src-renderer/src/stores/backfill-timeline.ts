import type { DayMetrics } from '../../../src-main/shared/domain/metrics'
import type {
  RunDetails,
  RunProgressEvent,
  RunState,
  TaskRunRecord,
} from '../../../src-main/shared/domain/runs'

/** What one day's cell on the Backfill timeline shows. */
export type DayCellState =
  'pending' | 'running' | 'retrying' | 'done' | 'skipped' | 'failed' | 'cancelled'

export interface DayCell {
  readonly date: string
  readonly state: DayCellState
  readonly attempt: number
  readonly message?: string
}

export interface BackfillTimeline {
  readonly runId: string | null
  readonly cells: readonly DayCell[]
  readonly metrics: readonly DayMetrics[]
  readonly done: number
  readonly total: number
  readonly logs: readonly { readonly level: string; readonly message: string }[]
  readonly finalState: RunState | null
  readonly finalMessage: string | null
}

const MAX_LOG_LINES = 200

/** The dates of a backfill: `days` consecutive days from the first of `month`. */
export function backfillDates(month: string, days: number): string[] {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number]
  return Array.from({ length: days }, (_, index) =>
    new Date(Date.UTC(year, monthNumber - 1, 1 + index)).toISOString().slice(0, 10),
  )
}

export function emptyTimeline(dates: readonly string[]): BackfillTimeline {
  return {
    runId: null,
    cells: dates.map((date) => ({ date, state: 'pending', attempt: 0 })),
    metrics: [],
    done: 0,
    total: dates.length,
    logs: [],
    finalState: null,
    finalMessage: null,
  }
}

function cellStateOf(state: RunState): DayCellState {
  switch (state) {
    case 'Running':
      return 'running'
    case 'Retrying':
      return 'retrying'
    case 'Completed':
      return 'done'
    case 'Failed':
    case 'Crashed':
      return 'failed'
    case 'Cancelled':
    case 'Cancelling':
      return 'cancelled'
    default:
      return 'pending'
  }
}

/** Task keys are `day:YYYY-MM-DD`; anything else is not a day of the timeline. */
function dateOfTask(taskKey: string): string | null {
  const match = /^day:(\d{4}-\d{2}-\d{2})$/.exec(taskKey)
  return match === null ? null : (match[1] ?? null)
}

function updateCell(
  cells: readonly DayCell[],
  date: string,
  update: (cell: DayCell) => DayCell,
): readonly DayCell[] {
  return cells.map((cell) => (cell.date === date ? update(cell) : cell))
}

/**
 * Folds one progress event of the running backfill into the timeline (pure, so the store stays thin and
 * the rules are tested directly). Metrics arrive in `day-result` events and replace any earlier value
 * for the same date; at the end, days still pending or running become `cancelled` when the run was.
 */
export function applyRunEvent(
  timeline: BackfillTimeline,
  event: RunProgressEvent,
): BackfillTimeline {
  switch (event.type) {
    case 'run-started':
      return { ...timeline, runId: event.runId, total: event.totalTasks || timeline.total }
    case 'task-state': {
      const date = dateOfTask(event.taskKey)
      if (date === null) return timeline
      return {
        ...timeline,
        cells: updateCell(timeline.cells, date, (cell) => ({
          date,
          state:
            cell.state === 'skipped' && event.state === 'Completed'
              ? 'skipped'
              : cellStateOf(event.state),
          attempt: event.attempt,
          ...(event.message === undefined ? {} : { message: event.message }),
        })),
      }
    }
    case 'day-result': {
      const metrics = [
        ...timeline.metrics.filter((day) => day.date !== event.metrics.date),
        event.metrics,
      ]
      metrics.sort((a, b) => a.date.localeCompare(b.date))
      return {
        ...timeline,
        metrics,
        done: event.done,
        total: event.total,
        // A resumed run's own earlier days come back "skipped" too, but with their attempts: they were
        // computed by this run, so they stay done (as the Runs page and a reload show them).
        cells: updateCell(timeline.cells, event.metrics.date, (cell) => ({
          ...cell,
          state: event.skipped && cell.attempt === 0 ? 'skipped' : 'done',
        })),
      }
    }
    case 'log':
      return {
        ...timeline,
        logs: [...timeline.logs, { level: event.level, message: event.message }].slice(
          -MAX_LOG_LINES,
        ),
      }
    case 'run-finished': {
      const isStopped =
        event.state === 'Cancelled' || event.state === 'Failed' || event.state === 'Crashed'
      return {
        ...timeline,
        finalState: event.state,
        finalMessage: event.message,
        cells: isStopped
          ? timeline.cells.map((cell) =>
              cell.state === 'pending' || cell.state === 'running' || cell.state === 'retrying'
                ? {
                    ...cell,
                    state:
                      event.state === 'Cancelled'
                        ? 'cancelled'
                        : cell.state === 'pending'
                          ? 'pending'
                          : 'failed',
                  }
                : cell,
            )
          : timeline.cells,
      }
    }
  }
}

/** A day task that completed without an attempt: its stored result was reused (same inputs). */
export function isReusedTask(task: TaskRunRecord): boolean {
  return task.state === 'Completed' && task.attempts === 0
}

/** Days finished so far, split into reused and computed: what the progress and the summary say. */
export function countFinishedDays(timeline: BackfillTimeline): {
  readonly reused: number
  readonly computed: number
  readonly finished: number
} {
  const reused = timeline.cells.filter((cell) => cell.state === 'skipped').length
  const computed = timeline.cells.filter((cell) => cell.state === 'done').length
  return { reused, computed, finished: reused + computed }
}

/**
 * The timeline of a stored backfill run (its tasks, log and outcome), so a reloaded page shows the last
 * run as it ended, or as far as it got, instead of an empty form. Reused days stay reused.
 */
export function timelineFromRun(details: RunDetails): {
  readonly month: string
  readonly days: number
  readonly timeline: BackfillTimeline
} | null {
  const { startDate, days } = details.run.parameters
  if (typeof startDate !== 'string' || typeof days !== 'number') return null
  const dates = backfillDates(startDate.slice(0, 7), days)
  const tasks = new Map(
    details.tasks.flatMap((task) => {
      const date = dateOfTask(task.taskKey)
      return date === null ? [] : [[date, task] as const]
    }),
  )
  const cells: DayCell[] = dates.map((date) => {
    const task = tasks.get(date)
    if (task === undefined) {
      return {
        date,
        state: details.run.state === 'Cancelled' ? 'cancelled' : 'pending',
        attempt: 0,
      }
    }
    return {
      date,
      state: isReusedTask(task) ? 'skipped' : cellStateOf(task.state),
      attempt: task.attempts,
      ...(task.error === null ? {} : { message: task.error }),
    }
  })
  const done = cells.filter((cell) => cell.state === 'done' || cell.state === 'skipped').length
  return {
    month: startDate.slice(0, 7),
    days,
    timeline: {
      runId: details.run.id,
      cells,
      metrics: [],
      done,
      total: dates.length,
      logs: details.logs
        .map((line) => ({ level: line.level, message: line.message }))
        .slice(-MAX_LOG_LINES),
      finalState: details.run.state,
      finalMessage: details.run.stateMessage,
    },
  }
}
