import type { LogLevel } from '../../shared/domain/runs'
import type { RunEvents } from './run-events'
import type { RunStore } from './run-store'

/**
 * Prefect's run logger: each line is emitted as a progress event at once and stored in `run_logs`
 * (in order, one insert at a time). Storing never throws into the run: a line that cannot be stored
 * after a few tries (the database is down) is still shown live, and the run goes on.
 */
export class RunLogger {
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly store: RunStore,
    private readonly events: RunEvents,
    private readonly runId: string,
  ) {}

  log(level: LogLevel, message: string, taskRunId: string | null = null): void {
    this.events.emit({ type: 'log', runId: this.runId, level, message })
    this.chain = this.chain.then(() => this.persist(level, message, taskRunId))
  }

  /** Resolves when every line logged so far has been stored (or given up on). */
  flushed(): Promise<void> {
    return this.chain
  }

  private async persist(level: LogLevel, message: string, taskRunId: string | null): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.store.appendLog(this.runId, taskRunId, level, message)
        return
      } catch {
        // The connection may have just been lost; the pool opens a new one on the next try.
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
      }
    }
  }
}
