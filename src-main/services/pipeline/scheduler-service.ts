import { randomUUID } from 'node:crypto'
import { Cron } from 'croner'
import type { ScheduleRecord } from '../../shared/domain/runs'
import { AppError } from '../../shared/errors'
import type { RunStore } from './run-store'

/** Where schedules are kept (PostgreSQL `schedules`). */
export interface ScheduleStore {
  listSchedules(): Promise<ScheduleRecord[]>
  /** Records that occurrences up to `at` have been handled (run or recorded as missed). */
  markFired(name: string, at: Date): Promise<void>
}

export interface SchedulerDependencies {
  readonly runs: RunStore
  readonly schedules: ScheduleStore
  /** Starts the schedule's job for the occurrence `scheduledFor` and resolves when it ends. */
  readonly launch: (schedule: ScheduleRecord, scheduledFor: Date) => Promise<void>
  readonly hostname: string
  readonly pid: number
  readonly now?: () => Date
  readonly onMessage?: (message: string) => void
}

/** At most this many missed occurrences are recorded per schedule after a long downtime. */
const MAX_MISSED_RECORDED = 100

/**
 * Checks a cron expression with the cron library itself (5 fields, or 6 with seconds first).
 * @throws {AppError} INVALID_REQUEST naming the expression and the library's reason.
 */
export function validateCron(expression: string): void {
  try {
    new Cron(expression, { paused: true }).stop()
  } catch (error) {
    throw new AppError(
      'INVALID_REQUEST',
      `'${expression}' is not a cron expression (${error instanceof Error ? error.message : String(error)}); e.g. "0 2 * * *" runs at 02:00 every day.`,
    )
  }
}

/**
 * The schedule daemon (Prefect's `serve --cron`): fires each stored schedule's job on its cron
 * expression (croner), one at a time per schedule. Schedules live in the database, so the daemon
 * survives a restart; occurrences that passed while it was down are recorded as runs in state Cancelled
 * ("Missed …"), or, with `catchUp`, the latest of them is run at once.
 */
export class SchedulerService {
  private readonly jobs: Cron[] = []

  constructor(private readonly deps: SchedulerDependencies) {}

  async start(options: { catchUp?: boolean } = {}): Promise<ScheduleRecord[]> {
    const now = this.deps.now ?? (() => new Date())
    const schedules = (await this.deps.schedules.listSchedules()).filter((s) => s.enabled)
    for (const schedule of schedules) {
      const missed = this.missedOccurrences(schedule, now())
      const latest = missed.at(-1)
      const toRecord = options.catchUp === true ? missed.slice(0, -1) : missed
      for (const at of toRecord) await this.recordMissed(schedule, at)
      await this.deps.schedules.markFired(schedule.name, now())
      if (options.catchUp === true && latest !== undefined) {
        this.deps.onMessage?.(
          `${schedule.name}: catching up the run missed at ${latest.toISOString()}.`,
        )
        // fire() catches the job's errors itself, so nothing can reject here.
        void this.fire(schedule, latest)
      }
      const job = new Cron(
        schedule.cron,
        {
          name: `driftdesk:${schedule.name}`,
          // One occurrence at a time; one that comes while the previous still runs is recorded as missed.
          protect: () => {
            const at = new Date(Math.floor(now().getTime() / 1000) * 1000)
            void this.recordMissed(schedule, at, 'the previous occurrence was still running').catch(
              (error: unknown) => this.deps.onMessage?.(`${schedule.name}: ${String(error)}`),
            )
          },
        },
        async (self) => {
          // croner does not catch a rejection of this callback: an error escaping here (a database
          // error in markFired) would be an unhandled rejection that kills the daemon. Log it instead;
          // the next occurrence tries again.
          try {
            // The occurrence this call is for (the timer fires a few ms after it): the last one not after now.
            const at = self.previousRuns(1, new Date(now().getTime() + 1))[0] ?? now()
            await this.deps.schedules.markFired(schedule.name, at)
            await this.fire(schedule, at)
          } catch (error) {
            this.deps.onMessage?.(
              `${schedule.name}: this occurrence was skipped: ${error instanceof Error ? error.message : String(error)}`,
            )
          }
        },
      )
      this.jobs.push(job)
      this.deps.onMessage?.(
        `${schedule.name}: "${schedule.cron}" ${schedule.job}; next at ${job.nextRun()?.toISOString() ?? 'never'}.`,
      )
    }
    return schedules
  }

  stop(): void {
    for (const job of this.jobs.splice(0)) job.stop()
  }

  /** Occurrences after the schedule was last handled and up to `now`. */
  missedOccurrences(schedule: ScheduleRecord, now: Date): Date[] {
    if (schedule.lastFiredAt === null) return []
    const cron = new Cron(schedule.cron, { paused: true })
    const missed: Date[] = []
    let previous = new Date(schedule.lastFiredAt)
    while (missed.length < MAX_MISSED_RECORDED) {
      const next = cron.nextRun(previous)
      if (next === null || next.getTime() > now.getTime()) break
      missed.push(next)
      previous = next
    }
    cron.stop()
    return missed
  }

  private async recordMissed(
    schedule: ScheduleRecord,
    at: Date,
    reason = 'the scheduler was not running',
  ): Promise<void> {
    const id = randomUUID()
    await this.deps.runs.createRun({
      id,
      job: schedule.job,
      parameters: { ...schedule.parameters, scheduledFor: at.toISOString() },
      state: 'Scheduled',
      pid: this.deps.pid,
      hostname: this.deps.hostname,
      parentSchedule: schedule.name,
    })
    const message = `Missed: ${reason} at ${at.toISOString()}.`
    await this.deps.runs.setRunState(id, 'Cancelled', message)
    await this.deps.runs.appendLog(id, null, 'warning', message)
    this.deps.onMessage?.(`${schedule.name}: ${message}`)
  }

  private async fire(schedule: ScheduleRecord, at: Date): Promise<void> {
    this.deps.onMessage?.(`${schedule.name}: starting ${schedule.job} for ${at.toISOString()}.`)
    try {
      await this.deps.launch(schedule, at)
    } catch (error) {
      // One failed occurrence must not stop the daemon; the job's own run records why it failed.
      this.deps.onMessage?.(
        `${schedule.name}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }
}
