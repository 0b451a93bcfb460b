import type { NewRunRecord } from '../../services/pipeline/run-store'
import type { JobName, RunRecord, RunState } from '../../shared/domain/runs'
import type { Queryable } from './pool'

interface RunRow {
  id: string
  job: string
  parameters: Record<string, unknown>
  state: string
  state_message: string | null
  created_at: Date
  started_at: Date | null
  ended_at: Date | null
  heartbeat_at: Date | null
  pid: number | null
  hostname: string | null
  parent_schedule: string | null
}

export async function insertRun(db: Queryable, run: NewRunRecord): Promise<void> {
  await db.query(
    `INSERT INTO runs (id, job, parameters, state, created_at, pid, hostname, parent_schedule, heartbeat_at)
     VALUES ($1, $2, $3, $4, now(), $5, $6, $7, now())`,
    [
      run.id,
      run.job,
      JSON.stringify(run.parameters),
      run.state,
      run.pid,
      run.hostname,
      run.parentSchedule ?? null,
    ],
  )
}

/**
 * Moves a run to `state`. Running stamps `started_at` (first time only); a terminal state stamps `ended_at`.
 * With `onlyFrom`, the update happens only from one of those states (returns false otherwise): this is
 * how a cancel request and a finishing run cannot overwrite each other.
 */
export async function setRunState(
  db: Queryable,
  id: string,
  state: RunState,
  message: string | null = null,
  onlyFrom?: readonly RunState[],
): Promise<boolean> {
  const result = await db.query(
    `UPDATE runs SET state = $2, state_message = $3,
       started_at = CASE WHEN $2 = 'Running' THEN coalesce(started_at, now()) ELSE started_at END,
       ended_at = CASE WHEN $2 IN ('Completed','Failed','Cancelled','Crashed') THEN now() ELSE NULL END
     WHERE id = $1 AND ($4::text[] IS NULL OR state = ANY($4::text[]))`,
    [id, state, message, onlyFrom === undefined ? null : [...onlyFrom]],
  )
  return result.rowCount === 1
}

/**
 * Claims a run for this process (resume) in one statement: sets it Pending with a new pid, host and
 * heartbeat only if it is still in one of `fromStates`. Two processes resuming the same run at once
 * cannot both succeed. @returns false when the run was not in those states (someone else claimed it).
 */
export async function claimRun(
  db: Queryable,
  id: string,
  pid: number,
  hostname: string,
  fromStates: readonly RunState[],
  message: string | null = null,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE runs SET state = 'Pending', state_message = $5, pid = $2, hostname = $3,
       heartbeat_at = now(), ended_at = NULL
     WHERE id = $1 AND state = ANY($4::text[])
     RETURNING id`,
    [id, pid, hostname, [...fromStates], message],
  )
  return result.rowCount === 1
}

export async function touchRunHeartbeat(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE runs SET heartbeat_at = now() WHERE id = $1', [id])
}

export async function getRun(db: Queryable, id: string): Promise<RunRecord | null> {
  const result = await db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [id])
  const row = result.rows[0]
  return row === undefined ? null : toRunRecord(row)
}

/** A run id may be abbreviated to a unique prefix, as `git` allows for commits. */
export async function findRunIdByPrefix(db: Queryable, prefix: string): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `SELECT id FROM runs WHERE id::text LIKE $1 || '%' ORDER BY created_at DESC LIMIT 2`,
    [prefix.toLowerCase()],
  )
  return result.rows.map((row) => row.id)
}

export async function listRuns(db: Queryable, limit = 50): Promise<RunRecord[]> {
  const result = await db.query<RunRow>('SELECT * FROM runs ORDER BY created_at DESC LIMIT $1', [
    limit,
  ])
  return result.rows.map(toRunRecord)
}

/** Runs whose process should be alive: Running, Retrying, Pending or Cancelling. */
export async function listActiveRuns(db: Queryable): Promise<RunRecord[]> {
  const result = await db.query<RunRow>(
    `SELECT * FROM runs WHERE state IN ('Pending','Running','Retrying','Cancelling') ORDER BY created_at`,
  )
  return result.rows.map(toRunRecord)
}

/** The database's clock, so heartbeat staleness does not depend on this machine's clock. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const result = await db.query<{ now: Date }>('SELECT now() AS now')
  return (result.rows[0] as { now: Date }).now
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    job: row.job as JobName,
    parameters: row.parameters,
    state: row.state as RunState,
    stateMessage: row.state_message,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    heartbeatAt: row.heartbeat_at?.toISOString() ?? null,
    pid: row.pid,
    hostname: row.hostname,
    parentSchedule: row.parent_schedule,
  }
}
