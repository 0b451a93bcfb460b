import type { TaskStateUpdate } from '../../services/pipeline/run-store'
import type { RunState, TaskRunRecord } from '../../shared/domain/runs'
import type { Queryable } from './pool'

interface TaskRunRow {
  id: string
  run_id: string
  task_key: string
  state: string
  attempts: number
  started_at: Date | null
  ended_at: Date | null
  error: string | null
  inputs_fingerprint: string | null
}

/**
 * Records a task run's state (insert or update by `(run_id, task_key)`). Running stamps `started_at`
 * the first time; a terminal state stamps `ended_at`. Returns the stored task run's id.
 */
export async function saveTaskRun(db: Queryable, task: TaskStateUpdate): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO task_runs (id, run_id, task_key, state, attempts, started_at, ended_at, error, inputs_fingerprint)
     VALUES ($1, $2, $3, $4, $5,
       CASE WHEN $4 = 'Running' THEN now() END,
       CASE WHEN $4 IN ('Completed','Failed','Cancelled','Crashed') THEN now() END, $6, $7)
     ON CONFLICT (run_id, task_key) DO UPDATE SET state = EXCLUDED.state, attempts = EXCLUDED.attempts,
       started_at = coalesce(task_runs.started_at, EXCLUDED.started_at, CASE WHEN EXCLUDED.state = 'Completed' THEN now() END),
       ended_at = EXCLUDED.ended_at, error = EXCLUDED.error,
       inputs_fingerprint = coalesce(EXCLUDED.inputs_fingerprint, task_runs.inputs_fingerprint)
     RETURNING id`,
    [
      task.id,
      task.runId,
      task.taskKey,
      task.state,
      task.attempts,
      task.error ?? null,
      task.inputsFingerprint ?? null,
    ],
  )
  return (result.rows[0] as { id: string }).id
}

export async function listTaskRuns(db: Queryable, runId: string): Promise<TaskRunRecord[]> {
  const result = await db.query<TaskRunRow>(
    'SELECT * FROM task_runs WHERE run_id = $1 ORDER BY task_key',
    [runId],
  )
  return result.rows.map(toTaskRunRecord)
}

/** Marks every unfinished task of a run with `state` (used when a run is found Crashed). */
export async function finishOpenTaskRuns(
  db: Queryable,
  runId: string,
  state: RunState,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE task_runs SET state = $2, error = $3, ended_at = now()
     WHERE run_id = $1 AND state NOT IN ('Completed','Failed','Cancelled','Crashed')`,
    [runId, state, error],
  )
}

function toTaskRunRecord(row: TaskRunRow): TaskRunRecord {
  return {
    id: row.id,
    runId: row.run_id,
    taskKey: row.task_key,
    state: row.state as RunState,
    attempts: Number(row.attempts),
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    error: row.error,
    inputsFingerprint: row.inputs_fingerprint,
  }
}
