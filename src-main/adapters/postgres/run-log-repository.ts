import type { LogLevel, RunLogLine } from '../../shared/domain/runs'
import type { Queryable } from './pool'

interface RunLogRow {
  id: string
  run_id: string
  task_run_id: string | null
  at: Date
  level: string
  message: string
}

export async function appendRunLog(
  db: Queryable,
  runId: string,
  taskRunId: string | null,
  level: LogLevel,
  message: string,
): Promise<void> {
  await db.query(
    'INSERT INTO run_logs (run_id, task_run_id, at, level, message) VALUES ($1, $2, now(), $3, $4)',
    [runId, taskRunId, level, message],
  )
}

/** A run's log lines with id greater than `afterId`, oldest first: poll it to stream a live run. */
export async function listRunLogs(
  db: Queryable,
  runId: string,
  afterId = 0,
): Promise<RunLogLine[]> {
  const result = await db.query<RunLogRow>(
    'SELECT * FROM run_logs WHERE run_id = $1 AND id > $2 ORDER BY id',
    [runId, afterId],
  )
  return result.rows.map((row) => ({
    // bigserial arrives as a string; ids stay far below 2^53.
    id: Number(row.id),
    runId: row.run_id,
    taskRunId: row.task_run_id,
    at: row.at.toISOString(),
    level: row.level as LogLevel,
    message: row.message,
  }))
}
