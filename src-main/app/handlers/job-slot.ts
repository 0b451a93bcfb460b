/**
 * At most one job of a kind at a time (one backfill, one stack start). The domain that owns the slot
 * checks `jobId` before starting; other domains read it to refuse what would pull the ground from under
 * the job (stopping the stack during a backfill).
 */
export class JobSlot {
  #jobId: string | null = null

  /** The job in the slot, or null when it is free. */
  get jobId(): string | null {
    return this.#jobId
  }

  /**
   * Puts the job `start` starts in the slot. `start` receives `release`, which its job calls when it
   * ends (in a `finally`), freeing the slot.
   */
  fill(start: (release: () => void) => string): string {
    let jobId: string | null = null
    let isReleased = false
    jobId = start(() => {
      isReleased = true
      if (jobId !== null && this.#jobId === jobId) this.#jobId = null
    })
    if (!isReleased) this.#jobId = jobId
    return jobId
  }
}
