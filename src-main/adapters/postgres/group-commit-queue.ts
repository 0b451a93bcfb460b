import { isDataError } from './database-errors'

export interface GroupCommitOptions<Item> {
  /** Most items in one statement (a single submission larger than this still goes whole). */
  readonly maxBatchItems: number
  /**
   * Statements in flight at once, each on its own pool connection: a submission arriving while one
   * commit is running starts the next at once instead of waiting for it (pipelined group commit), and
   * PostgreSQL flushes the WAL of concurrent commits together.
   */
  readonly maxConcurrentStatements: number
  /**
   * When given, two items with the same key never share a statement and never run in two statements at
   * once: a later submission waits for the statement carrying an earlier one's key, so the database
   * applies them in the order they arrived (a later feedback replaces an earlier one).
   */
  readonly keyOf?: (item: Item) => string
  /** The error a submission after `close()` rejects with. */
  readonly closedError: () => Error
}

interface PendingSubmission<Item, Outcome> {
  readonly items: readonly Item[]
  resolve(outcomes: Outcome[]): void
  reject(error: unknown): void
}

/**
 * Group commit: `submit(items)` queues items and resolves with their outcomes only once the statement
 * carrying them has committed, so a caller that answers after it never answers for an uncommitted row.
 *
 * There is no timer: when fewer than `maxConcurrentStatements` statements are running, queued items
 * are written at once (lowest latency at low load); while they run, new items gather and the next free
 * slot takes all of them (one commit for many requests at high load). A failed statement rejects the
 * submissions it carried (nothing of them was committed) and the next statement starts afresh, except
 * when PostgreSQL refused a value (a data error): then the submissions are written again in smaller
 * groups, so only the one that carried the value fails and the others, which did nothing wrong, commit.
 */
export class GroupCommitQueue<Item, Outcome> {
  readonly #commit: (items: readonly Item[]) => Promise<Outcome[]>
  readonly #options: GroupCommitOptions<Item>
  #queue: PendingSubmission<Item, Outcome>[] = []
  #queuedItems = 0
  #active = 0
  /** Keys of the items in the statements now running (only with `keyOf`). */
  readonly #keysInFlight = new Set<string>()
  #closed = false
  #idle: (() => void)[] = []

  /**
   * @param commit writes the items in one transaction and returns one outcome per item, in order.
   */
  constructor(
    commit: (items: readonly Item[]) => Promise<Outcome[]>,
    options: GroupCommitOptions<Item>,
  ) {
    this.#commit = commit
    this.#options = options
  }

  /** Items queued or being written, not yet committed. */
  get pendingItems(): number {
    return this.#queuedItems
  }

  /**
   * Queues `items`; resolves with their outcomes once committed, rejects when their statement failed.
   * @throws the `closedError` (as a rejection) after `close()`.
   */
  submit(items: readonly Item[]): Promise<Outcome[]> {
    if (this.#closed) return Promise.reject(this.#options.closedError())
    if (items.length === 0) return Promise.resolve([])
    return new Promise<Outcome[]>((resolve, reject) => {
      this.#queue.push({ items, resolve, reject })
      this.#queuedItems += items.length
      this.#pump()
    })
  }

  /** Takes no more items and resolves once every queued one is committed (or its statement failed). */
  close(): Promise<void> {
    this.#closed = true
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve()
    return new Promise<void>((resolve) => this.#idle.push(resolve))
  }

  #pump(): void {
    while (this.#active < this.#options.maxConcurrentStatements && this.#queue.length > 0) {
      const { batch, batchKeys, itemCount } = this.#takeBatch()
      if (batch.length === 0) return
      for (const key of batchKeys) this.#keysInFlight.add(key)
      this.#active++
      void this.#writeBatch(batch, itemCount).finally(() => {
        for (const key of batchKeys) this.#keysInFlight.delete(key)
        this.#active--
        this.#pump()
        if (this.#active === 0 && this.#queue.length === 0) {
          for (const resolve of this.#idle.splice(0)) resolve()
        }
      })
    }
  }

  /**
   * Takes the next statement's submissions out of the queue, in arrival order. With `keyOf`, a
   * submission whose key is being written by a running statement, or already taken by this one, is
   * skipped (it stays queued, in its place) and the scan goes on, so feedbacks repeated for one request
   * id do not hold up every other id while a statement slot is free. Its keys are remembered: no later
   * submission with one of them is taken before it, so per key the database applies them in the order
   * they arrived.
   */
  #takeBatch(): {
    batch: PendingSubmission<Item, Outcome>[]
    batchKeys: Set<string>
    itemCount: number
  } {
    const keyOf = this.#options.keyOf
    const batch: PendingSubmission<Item, Outcome>[] = []
    const batchKeys = new Set<string>()
    let itemCount = 0
    if (keyOf === undefined) {
      // No order to keep between submissions: the head of the queue, as many as fit.
      let taken = 0
      for (const next of this.#queue) {
        if (batch.length > 0 && itemCount + next.items.length > this.#options.maxBatchItems) break
        batch.push(next)
        itemCount += next.items.length
        taken++
      }
      this.#queue.splice(0, taken)
      return { batch, batchKeys, itemCount }
    }
    const skipped: PendingSubmission<Item, Outcome>[] = []
    const skippedKeys = new Set<string>()
    let scanned = 0
    for (const next of this.#queue) {
      const keys = next.items.map(keyOf)
      const blocked = keys.some(
        (key) => this.#keysInFlight.has(key) || batchKeys.has(key) || skippedKeys.has(key),
      )
      if (blocked) {
        for (const key of keys) skippedKeys.add(key)
        skipped.push(next)
        scanned++
        continue
      }
      if (batch.length > 0 && itemCount + next.items.length > this.#options.maxBatchItems) break
      for (const key of keys) batchKeys.add(key)
      batch.push(next)
      itemCount += next.items.length
      scanned++
    }
    if (batch.length > 0) this.#queue = [...skipped, ...this.#queue.slice(scanned)]
    return { batch, batchKeys, itemCount }
  }

  async #writeBatch(
    batch: readonly PendingSubmission<Item, Outcome>[],
    itemCount: number,
  ): Promise<void> {
    try {
      await this.#writeGroup(batch)
    } finally {
      this.#queuedItems -= itemCount
    }
  }

  /**
   * Commits `group` in one statement. When PostgreSQL refuses the data (SQLSTATE class 22 or 21: one
   * submission carried a value it cannot store) nothing was committed, and the fault is in one or a few
   * submissions, not in all: the group is split in halves, each written again, until the refused
   * submissions stand alone and fail alone, while every other one commits. One bad submission among n
   * costs about 2·log2(n) more statements. Any other error (the database away) fails the whole group.
   */
  async #writeGroup(group: readonly PendingSubmission<Item, Outcome>[]): Promise<void> {
    let outcomes: Outcome[]
    try {
      outcomes = await this.#commit(group.flatMap((submission) => submission.items))
    } catch (error) {
      if (group.length > 1 && isDataError(error)) {
        // Halves in arrival order, one after the other: the keys of one statement are distinct, and a
        // later submission with one of them waits for this slot, so per-key order holds.
        const middle = Math.ceil(group.length / 2)
        await this.#writeGroup(group.slice(0, middle))
        await this.#writeGroup(group.slice(middle))
      } else {
        for (const submission of group) submission.reject(error)
      }
      return
    }
    let offset = 0
    for (const submission of group) {
      submission.resolve(outcomes.slice(offset, offset + submission.items.length))
      offset += submission.items.length
    }
  }
}
