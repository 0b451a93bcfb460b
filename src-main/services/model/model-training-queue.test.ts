import { describe, expect, it } from 'vitest'
import { ModelTrainingQueue } from './model-training-queue'

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve: () => void = () => undefined
  let reject: (e: Error) => void = () => undefined
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('ModelTrainingQueue (issue 9: 16 trainings at once took 3 GB and raced)', () => {
  it('runs one training per reference month and lets later requests share its outcome', async () => {
    const queue = new ModelTrainingQueue()
    const gate = deferred()
    let calls = 0
    const train = async (): Promise<void> => {
      calls++
      await gate.promise
    }
    const all = Promise.all(Array.from({ length: 16 }, () => queue.run('2022-01', train)))
    gate.resolve()
    await all
    expect(calls).toBe(1)
    expect(queue.started).toBe(1)
    // Once it has ended, the next request trains again (e.g. a forced retrain).
    await queue.run('2022-01', train)
    expect(calls).toBe(2)
  })

  it('shares a failure with every waiter, then lets the month be tried again', async () => {
    const queue = new ModelTrainingQueue()
    const gate = deferred()
    const failing = Promise.allSettled([
      queue.run('2022-01', () => gate.promise),
      queue.run('2022-01', () => Promise.resolve()),
    ])
    gate.reject(new Error('no trips'))
    expect((await failing).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected'])
    await expect(queue.run('2022-01', () => Promise.resolve())).resolves.toBeUndefined()
  })

  it('trains at most maxConcurrent months at once, in arrival order', async () => {
    const queue = new ModelTrainingQueue(1)
    const gates = new Map(['2022-01', '2022-02', '2022-03'].map((month) => [month, deferred()]))
    let running = 0
    let peak = 0
    const order: string[] = []
    const runs = [...gates.keys()].map((month) =>
      queue.run(month, async () => {
        order.push(month)
        running++
        peak = Math.max(peak, running)
        await gates.get(month)?.promise
        running--
      }),
    )
    for (const gate of gates.values()) {
      await Promise.resolve()
      gate.resolve()
    }
    await Promise.all(runs)
    expect(peak).toBe(1)
    expect(order).toEqual(['2022-01', '2022-02', '2022-03'])
  })

  it('lets a cancelled waiter leave while the shared training ends for the others', async () => {
    const queue = new ModelTrainingQueue()
    const gate = deferred()
    const controller = new AbortController()
    const owner = queue.run('2022-01', () => gate.promise)
    const waiter = queue.run('2022-01', () => Promise.resolve(), controller.signal)
    controller.abort(new Error('Cancelled by the user.'))
    await expect(waiter).rejects.toThrow('Cancelled by the user.')
    gate.resolve()
    await expect(owner).resolves.toBeUndefined()
  })
})
