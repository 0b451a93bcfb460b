import { describe, expect, it } from 'vitest'
import { GroupCommitQueue } from './group-commit-queue'

/** An item: its key and its arrival number. */
interface Item {
  readonly key: string
  readonly seq: number
}

/** A commit whose statements the test finishes (or fails) one by one, in any order. */
function manualCommit(): {
  commit: (items: readonly Item[]) => Promise<string[]>
  running: { items: readonly Item[]; finish(): void; fail(error: Error): void }[]
  committed: Item[]
} {
  const running: { items: readonly Item[]; finish(): void; fail(error: Error): void }[] = []
  const committed: Item[] = []
  return {
    running,
    committed,
    commit: (items) =>
      new Promise<string[]>((resolve, reject) => {
        const statement = {
          items,
          finish: () => {
            running.splice(running.indexOf(statement), 1)
            committed.push(...items)
            resolve(items.map(() => 'stored'))
          },
          fail: (error: Error) => {
            running.splice(running.indexOf(statement), 1)
            reject(error)
          },
        }
        running.push(statement)
      }),
  }
}

/** Lets the queue's promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

describe('GroupCommitQueue with keys (per-key order)', () => {
  it('writes another key in the free slot at once while 10 submissions for one key wait their turn, in arrival order', async () => {
    const { commit, running, committed } = manualCommit()
    const queue = new GroupCommitQueue<Item, string>(commit, {
      maxBatchItems: 2_000,
      maxConcurrentStatements: 2,
      keyOf: (item) => item.key,
      closedError: () => new Error('closed'),
    })
    const hot = Array.from({ length: 10 }, (_, seq) => queue.submit([{ key: 'hot', seq }]))
    let otherDone = false
    const other = queue.submit([{ key: 'other', seq: 10 }]).then(() => {
      otherDone = true
    })
    await settle()
    // Slot one carries the first 'hot'; the nine others wait for it, 'other' does not.
    expect(running.map((statement) => statement.items)).toEqual([
      [{ key: 'hot', seq: 0 }],
      [{ key: 'other', seq: 10 }],
    ])
    running[1]?.finish()
    await settle()
    expect(otherDone).toBe(true)
    expect(committed).toEqual([{ key: 'other', seq: 10 }])
    // The nine go one statement at a time, each after the one before it committed.
    for (let seq = 0; seq < 10; seq++) {
      expect(running.map((statement) => statement.items)).toEqual([[{ key: 'hot', seq }]])
      running[0]?.finish()
      await settle()
    }
    await Promise.all([...hot, other])
    expect(committed.filter((item) => item.key === 'hot').map((item) => item.seq)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ])
    expect(queue.pendingItems).toBe(0)
  })

  it('a submission skipped for one of its keys holds back later submissions with any of its keys', async () => {
    const { commit, running } = manualCommit()
    const queue = new GroupCommitQueue<Item, string>(commit, {
      maxBatchItems: 2_000,
      maxConcurrentStatements: 2,
      keyOf: (item) => item.key,
      closedError: () => new Error('closed'),
    })
    const all = [
      queue.submit([{ key: 'a', seq: 0 }]),
      // Waits for 'a'; so 'b' of the next submission must wait for it too (it arrived later).
      queue.submit([
        { key: 'a', seq: 1 },
        { key: 'b', seq: 2 },
      ]),
      queue.submit([{ key: 'b', seq: 3 }]),
      queue.submit([{ key: 'c', seq: 4 }]),
    ]
    await settle()
    expect(running.map((statement) => statement.items)).toEqual([
      [{ key: 'a', seq: 0 }],
      [{ key: 'c', seq: 4 }],
    ])
    running[0]?.finish()
    await settle()
    expect(running.map((statement) => statement.items)).toEqual([
      [{ key: 'c', seq: 4 }],
      [
        { key: 'a', seq: 1 },
        { key: 'b', seq: 2 },
      ],
    ])
    for (let step = 0; step < 3; step++) {
      running[0]?.finish()
      await settle()
    }
    await Promise.all(all)
  })

  it('random arrivals, batch limits and commit order: per key arrival order always holds, no key is in two statements at once, nothing is lost', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed)
      const { commit, running, committed } = manualCommit()
      const queue = new GroupCommitQueue<Item, string>(commit, {
        maxBatchItems: 4,
        maxConcurrentStatements: 3,
        keyOf: (item) => item.key,
        closedError: () => new Error('closed'),
      })
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5']
      const submitted: Item[] = []
      const answers: Promise<string[]>[] = []
      let seq = 0
      for (let step = 0; step < 400 || running.length > 0; step++) {
        if (step < 400 && next() < 0.6) {
          // One or two distinct keys per submission, as a feedback batch has distinct ids.
          const first = keys[Math.floor(next() * keys.length)] as string
          const second = keys[Math.floor(next() * keys.length)] as string
          const items = [{ key: first, seq: seq++ }]
          if (second !== first && next() < 0.3) items.push({ key: second, seq: seq++ })
          submitted.push(...items)
          answers.push(queue.submit(items))
        } else if (running.length > 0) {
          running[Math.floor(next() * running.length)]?.finish()
        }
        await settle()
        const inFlight = running.flatMap((statement) => statement.items.map((item) => item.key))
        expect(new Set(inFlight).size, `seed ${seed}, step ${step}`).toBe(inFlight.length)
      }
      await Promise.all(answers)
      expect(committed).toHaveLength(submitted.length)
      for (const key of keys) {
        const order = (items: Item[]) => items.filter((i) => i.key === key).map((i) => i.seq)
        expect(order(committed), `seed ${seed}, key ${key}`).toEqual(order(submitted))
      }
      expect(queue.pendingItems).toBe(0)
    }
  })
})
