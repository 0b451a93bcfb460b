import type { JobName, ScheduleRecord } from '../../shared/domain/runs'
import type { Queryable } from './pool'

interface ScheduleRow {
  name: string
  cron: string
  job: string
  parameters: Record<string, unknown>
  enabled: boolean
  last_fired_at: Date | null
}

export interface ScheduleDefinition {
  readonly name: string
  readonly cron: string
  readonly job: JobName
  readonly parameters: Readonly<Record<string, unknown>>
}

/** Creates or replaces a schedule; an unchanged cron keeps its `last_fired_at` (so restarts catch up). */
export async function saveSchedule(db: Queryable, schedule: ScheduleDefinition): Promise<void> {
  await db.query(
    `INSERT INTO schedules (name, cron, job, parameters) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET job = EXCLUDED.job, parameters = EXCLUDED.parameters, enabled = true,
       last_fired_at = CASE WHEN schedules.cron = EXCLUDED.cron THEN schedules.last_fired_at END,
       cron = EXCLUDED.cron`,
    [schedule.name, schedule.cron, schedule.job, JSON.stringify(schedule.parameters)],
  )
}

export async function getSchedule(db: Queryable, name: string): Promise<ScheduleRecord | null> {
  const result = await db.query<ScheduleRow>('SELECT * FROM schedules WHERE name = $1', [name])
  const row = result.rows[0]
  return row === undefined ? null : toScheduleRecord(row)
}

export async function listSchedules(db: Queryable): Promise<ScheduleRecord[]> {
  const result = await db.query<ScheduleRow>('SELECT * FROM schedules ORDER BY name')
  return result.rows.map(toScheduleRecord)
}

export async function deleteSchedule(db: Queryable, name: string): Promise<boolean> {
  const result = await db.query('DELETE FROM schedules WHERE name = $1', [name])
  return result.rowCount === 1
}

/** Records that the schedule's occurrence at `firedAt` has been handled (run or recorded as missed). */
export async function markScheduleFired(db: Queryable, name: string, firedAt: Date): Promise<void> {
  await db.query('UPDATE schedules SET last_fired_at = $2 WHERE name = $1', [name, firedAt])
}

function toScheduleRecord(row: ScheduleRow): ScheduleRecord {
  return {
    name: row.name,
    cron: row.cron,
    job: row.job as JobName,
    parameters: row.parameters,
    enabled: row.enabled,
    lastFiredAt: row.last_fired_at?.toISOString() ?? null,
  }
}
