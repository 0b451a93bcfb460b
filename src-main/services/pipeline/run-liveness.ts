import type { RunStore } from './run-store'

/** Runs this process is executing now (so a crash check never takes them for a dead process's). */
const runsInThisProcess = new Set<string>()

/** True while `startRunLiveness` has been called for this run in this process and not released. */
export function isRunLiveInThisProcess(runId: string): boolean {
  return runsInThisProcess.has(runId)
}

/**
 * Marks a run as alive for as long as this process works on it: records it as this process's and writes
 * its heartbeat every `heartbeatMs` on a timer, independent of how long the job's own steps take (a
 * dummy job with a one-hour interval still beats every few seconds). Call the returned function when
 * the run ends. A failed heartbeat only delays crash detection elsewhere; the run goes on.
 */
export function startRunLiveness(
  store: Pick<RunStore, 'heartbeat'>,
  runId: string,
  heartbeatMs = 5_000,
): () => void {
  runsInThisProcess.add(runId)
  const timer = setInterval(() => {
    store.heartbeat(runId).catch(() => undefined)
  }, heartbeatMs)
  timer.unref()
  return () => {
    clearInterval(timer)
    runsInThisProcess.delete(runId)
  }
}
