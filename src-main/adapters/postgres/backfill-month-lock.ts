import { createHash } from 'node:crypto'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { BackfillMonthBusy, BackfillMonthLock } from '../../services/pipeline/run-store'
import type { DatabasePool } from './pool'

/** Active states of a backfill that may hold a month (as the run table records them). */
const ACTIVE_STATES = ['Pending', 'Running', 'Retrying', 'Cancelling']

/**
 * One backfill per project and month at a time, across every process sharing the database (issue 9:
 * two backfills of one month raced on DELETE + INSERT of its rows and one died on a raw duplicate-key
 * error). A PostgreSQL session-level advisory lock per month, held on a dedicated connection for the
 * run's duration: if the process dies, its connection closes and PostgreSQL releases the lock, so a
 * crash never leaves a month locked. `pg_try_advisory_lock` never waits: a second backfill is told at
 * once which run holds the month.
 *
 * The key is the first 8 bytes of sha256("driftdesk:backfill:PROJECT:MONTH") as a signed bigint, so
 * projects (issue 11) get their own keys without a registry of numbers.
 *
 * @returns the lock, or which month is busy (and by which run) when another session holds one.
 */
export async function tryLockBackfillMonths(
  pool: DatabasePool,
  months: readonly string[],
  project = COURSE_PROJECT,
): Promise<BackfillMonthLock | BackfillMonthBusy> {
  const client = await pool.connect()
  let broken: Error | null = null
  // A checked-out client whose backend dies (server restart, pg_terminate_backend) emits 'error';
  // without a listener that would crash the process. PostgreSQL dropped the locks with the session.
  const onError = (error: Error): void => {
    broken = error
  }
  client.on('error', onError)
  const held: string[] = []
  const release = async (): Promise<void> => {
    try {
      if (broken !== null) throw broken
      for (const key of held.splice(0)) {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key])
      }
      client.off('error', onError)
      client.release()
    } catch (error) {
      // A broken connection: PostgreSQL has dropped its locks with it; never reuse the client.
      held.length = 0
      client.off('error', onError)
      client.release(error instanceof Error ? error : true)
    }
  }
  try {
    // Sorted, so two runs over the same months can never each hold one the other waits for.
    for (const month of [...new Set(months)].sort()) {
      const key = lockKey(project, month)
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS locked',
        [key],
      )
      if (rows[0]?.locked !== true) {
        await release()
        return { month, runId: await activeBackfillOf(pool, month) }
      }
      held.push(key)
    }
  } catch (error) {
    await release()
    throw error
  }
  let isReleased = false
  return {
    async release() {
      if (isReleased) return
      isReleased = true
      await release()
    },
  }
}

function lockKey(project: string, month: string): string {
  const digest = createHash('sha256').update(`driftdesk:backfill:${project}:${month}`).digest()
  return digest.readBigInt64BE(0).toString()
}

/** The newest active backfill starting in `month` (the likely holder), or null. */
async function activeBackfillOf(pool: DatabasePool, month: string): Promise<string | null> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM runs
      WHERE job = 'backfill' AND state = ANY($1::text[]) AND left(parameters->>'startDate', 7) = $2
      ORDER BY created_at DESC LIMIT 1`,
    [ACTIVE_STATES, month],
  )
  return rows[0]?.id ?? null
}
