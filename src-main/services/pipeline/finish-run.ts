import type { RunState } from '../../shared/domain/runs'
import { isRetryableError } from './retry-policy'
import type { RunStore } from './run-store'

/** States a finishing run may leave; a run already Crashed (or otherwise ended) keeps its state. */
const UNFINISHED_STATES: readonly RunState[] = ['Pending', 'Running', 'Retrying', 'Cancelling']

/**
 * Writes a run's final state, retrying a lost database connection a few times (the work is done; its
 * record must not be lost to a blip), and only over an unfinished state: a run that another process
 * marked Crashed while this one looked dead stays Crashed rather than turning Completed. A run
 * finishing Completed while a cancel was requested (Cancelling) ends Completed: the work is done.
 * Open tasks of a run that did not complete are closed with the same state.
 * @returns false when the run had already ended (its state was left alone).
 * @throws the database error when it is not retryable or persists.
 */
export async function finishRun(
  store: Pick<RunStore, 'setRunState' | 'finishOpenTasks'>,
  runId: string,
  final: { state: RunState; message: string | null },
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      const written = await store.setRunState(runId, final.state, final.message, UNFINISHED_STATES)
      if (written && final.state !== 'Completed')
        await store.finishOpenTasks(runId, final.state, final.message ?? final.state)
      return written
    } catch (error) {
      if (!isRetryableError(error) || attempt === 5) throw error
      await sleep(200 * attempt)
    }
  }
}
