import process from 'node:process'
import type { RunRecord } from '../../shared/domain/runs'
import { isRunLiveInThisProcess } from './run-liveness'
import type { RunStore } from './run-store'

export interface CrashDetectionOptions {
  /** This machine's host name: runs recorded here are judged by their pid. */
  readonly hostname: string
  readonly isProcessAlive: (pid: number) => boolean
  /** A run whose heartbeat is older than this is taken as dead (default 60 s). */
  readonly staleAfterMs?: number
  /** This process's pid (default `process.pid`). */
  readonly currentPid?: number
}

/**
 * Prefect's Crashed state: a run left Pending/Running/Retrying/Cancelling by a process that is gone
 * (killed, power cut) is marked Crashed, with its unfinished tasks, instead of staying Running for ever.
 * A run of another host is judged by its heartbeat (written every few seconds while a run lives). A run
 * of this host is dead when its pid is gone, when its heartbeat is stale (the pid was reused by an
 * unrelated process), or when it carries this process's own pid without being one of this process's
 * runs (an earlier process that had our pid). Returns the runs it marked.
 */
export async function markCrashedRuns(
  store: RunStore,
  options: CrashDetectionOptions,
): Promise<RunRecord[]> {
  const active = await store.listActiveRuns()
  if (active.length === 0) return []
  const now = (await store.databaseNow()).getTime()
  const staleAfterMs = options.staleAfterMs ?? 60_000
  const currentPid = options.currentPid ?? process.pid
  const crashed: RunRecord[] = []
  for (const run of active) {
    if (isRunLiveInThisProcess(run.id)) continue
    const sameHost = run.hostname === options.hostname && run.pid !== null
    const heartbeat = run.heartbeatAt === null ? 0 : Date.parse(run.heartbeatAt)
    const stale = now - heartbeat > staleAfterMs
    const pidGone =
      sameHost && (run.pid === currentPid || !options.isProcessAlive(run.pid as number))
    if (!pidGone && !stale) continue
    const reason = pidGone
      ? `The process (pid ${run.pid}) that ran it stopped without finishing it.`
      : `No heartbeat from ${run.hostname ?? 'its host'} since ${run.heartbeatAt ?? 'the start'}.`
    const marked = await store.setRunState(run.id, 'Crashed', reason, [run.state])
    if (!marked) continue
    await store.finishOpenTasks(run.id, 'Crashed', reason)
    await store.appendLog(run.id, null, 'error', `Run marked Crashed: ${reason}`)
    crashed.push(run)
  }
  return crashed
}
