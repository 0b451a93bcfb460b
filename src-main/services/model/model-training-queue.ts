import { AppError } from '../../shared/errors'

/**
 * Trainings the panel runs, one reference month at a time and at most `maxConcurrent` at once. Each
 * training holds a month of trips and its reference frame in a compute thread (~200 MB on the TLC
 * files): 16 `model:train` jobs at once took 3 GB and raced on the same files (issue 9). A request for
 * a month already training (or waiting to) shares that training's outcome instead of starting another;
 * months queue in arrival order.
 */
export class ModelTrainingQueue {
  readonly #byMonth = new Map<string, Promise<void>>()
  readonly #waiting: (() => void)[] = []
  #running = 0
  /** How many trainings were actually started; read by tests. */
  started = 0

  constructor(private readonly maxConcurrent = 1) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(
        `maxConcurrent must be a whole number of at least 1 (got ${maxConcurrent}).`,
      )
    }
  }

  /**
   * Runs `train` for `referenceMonth`, or joins the training of that month already queued or running.
   * A caller whose own `signal` aborts stops waiting (the shared training goes on for the others).
   */
  async run(
    referenceMonth: string,
    train: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    let shared = this.#byMonth.get(referenceMonth)
    if (shared === undefined) {
      shared = this.#schedule(train).finally(() => this.#byMonth.delete(referenceMonth))
      this.#byMonth.set(referenceMonth, shared)
    }
    if (signal === undefined) return shared
    signal.throwIfAborted()
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void =>
        reject(
          signal.reason instanceof Error
            ? signal.reason
            : new AppError('CANCELLED', 'Cancelled while waiting for the training.'),
        )
      signal.addEventListener('abort', onAbort, { once: true })
      shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  async #schedule(train: () => Promise<void>): Promise<void> {
    if (this.#running >= this.maxConcurrent) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    }
    this.#running++
    this.started++
    try {
      await train()
    } finally {
      this.#running--
      this.#waiting.shift()?.()
    }
  }
}
