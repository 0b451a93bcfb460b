import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventName } from '../shared/ipc-contract'
import type { RunProgressEvent } from '../shared/domain/runs'
import { AppError } from '../shared/errors'
import type { EventSink } from './event-sink'
import { JobRegistry } from './job-registry'

function recordingSink(): EventSink & { events: { event: EventName; payload: unknown }[] } {
  const events: { event: EventName; payload: unknown }[] = []
  return { events, emit: (event, payload) => void events.push({ event, payload }) }
}

function log(message: string): RunProgressEvent {
  return { type: 'log', runId: 'r', level: 'info', message }
}

describe('JobRegistry', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('returns the job id before any event about the job', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { createId: () => 'job-1' })
    const jobId = registry.start({ finished: 'model:finished' }, async () => {
      throw new AppError('MODEL_NOT_TRAINED', 'no')
    })
    expect(jobId).toBe('job-1')
    expect(sink.events).toEqual([])
    await vi.runAllTimersAsync()
    expect(sink.events).toHaveLength(1)
  })

  it('sends no event while the reply with the job id is still settling (regression: the job started in a microtask)', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { createId: () => 'job-1' })
    registry.start({ finished: 'model:finished' }, async () => {
      throw new AppError('MODEL_NOT_TRAINED', 'no')
    })
    // The invoke reply is sent after a few promise hops (dispatch, envelope, transport).
    for (let hop = 0; hop < 20; hop += 1) await Promise.resolve()
    expect(sink.events).toEqual([])
    await vi.runAllTimersAsync()
    expect(sink.events).toHaveLength(1)
  })

  it('turns a run that throws synchronously into its one failed event (regression: zero terminal events and an uncaught error)', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { createId: () => 'job-1' })
    registry.start({ finished: 'model:finished' }, () => {
      throw new AppError('MODEL_NOT_TRAINED', 'thrown at once')
    })
    await vi.runAllTimersAsync()
    expect(sink.events).toEqual([
      {
        event: 'model:finished',
        payload: {
          jobId: 'job-1',
          outcome: 'failed',
          error: expect.objectContaining({ code: 'MODEL_NOT_TRAINED', message: 'thrown at once' }),
        },
      },
    ])
    expect(registry.runningJobIds).toEqual([])
  })

  it('batches progress to at most one event per interval without losing or reordering items', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { flushIntervalMs: 100, createId: () => 'job' })
    let finish: () => void = () => undefined
    registry.start(
      { finished: 'pipeline:finished', progress: 'pipeline:progress' },
      ({ report }) => {
        for (let i = 0; i < 50; i++) report(log(`line ${i}`))
        return new Promise((resolve) => {
          finish = () => resolve({ runId: 'r', state: 'Completed' as const, message: null })
        })
      },
    )
    await vi.advanceTimersByTimeAsync(0)
    // The first item goes out at once; the other 49 wait for the interval.
    expect(sink.events).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(99)
    expect(sink.events).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(sink.events).toHaveLength(2)
    finish()
    await vi.runAllTimersAsync()
    const items = sink.events
      .filter((entry) => entry.event === 'pipeline:progress')
      .flatMap((entry) => (entry.payload as { items: RunProgressEvent[] }).items)
    expect(items.map((item) => (item.type === 'log' ? item.message : ''))).toEqual(
      Array.from({ length: 50 }, (_, i) => `line ${i}`),
    )
  })

  it('flushes pending progress before the one terminal event', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { flushIntervalMs: 100, createId: () => 'job' })
    registry.start(
      { finished: 'pipeline:finished', progress: 'pipeline:progress' },
      async ({ report }) => {
        report(log('a'))
        report(log('b'))
        return { runId: 'r', state: 'Completed' as const, message: null }
      },
    )
    await vi.runAllTimersAsync()
    expect(sink.events.map((entry) => entry.event)).toEqual([
      'pipeline:progress',
      'pipeline:progress',
      'pipeline:finished',
    ])
    expect(sink.events.at(-1)?.payload).toEqual({
      jobId: 'job',
      outcome: 'done',
      value: { runId: 'r', state: 'Completed', message: null },
    })
  })

  it('ends a failed job with its serialised error', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { createId: () => 'job' })
    registry.start({ finished: 'stack:finished' }, async () => {
      throw new AppError('DOCKER_UNAVAILABLE', 'No container engine found.')
    })
    await vi.runAllTimersAsync()
    expect(sink.events).toEqual([
      {
        event: 'stack:finished',
        payload: {
          jobId: 'job',
          outcome: 'failed',
          error: { code: 'DOCKER_UNAVAILABLE', message: 'No container engine found.' },
        },
      },
    ])
  })

  it('ends a cancelled job with `cancelled`, even if it resolves, and only once', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { createId: () => 'job' })
    registry.start(
      { finished: 'data:finished' },
      ({ signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () =>
            resolve({ folder: '/x', source: 'cache', files: [] }),
          )
        }),
    )
    await vi.advanceTimersByTimeAsync(0)
    expect(registry.runningJobIds).toEqual(['job'])
    expect(registry.cancel('job')).toBe(true)
    await vi.runAllTimersAsync()
    expect(sink.events).toEqual([
      { event: 'data:finished', payload: { jobId: 'job', outcome: 'cancelled' } },
    ])
    expect(registry.cancel('job')).toBe(false)
    expect(registry.runningJobIds).toEqual([])
  })

  it('ignores progress reported after the job ended', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { createId: () => 'job' })
    let late: (() => void) | undefined
    registry.start(
      { finished: 'pipeline:finished', progress: 'pipeline:progress' },
      async ({ report }) => {
        late = () => report(log('too late'))
        return { runId: 'r', state: 'Completed' as const, message: null }
      },
    )
    await vi.runAllTimersAsync()
    late?.()
    await vi.runAllTimersAsync()
    expect(sink.events.map((entry) => entry.event)).toEqual(['pipeline:finished'])
  })

  it('whenIdle waits for cancelled jobs to end, and gives up after its timeout', async () => {
    const sink = recordingSink()
    const registry = new JobRegistry(sink, { createId: () => 'job-1' })
    registry.start({ finished: 'model:finished' }, ({ signal }) => {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => setTimeout(() => reject(signal.reason), 50))
      })
    })
    await vi.advanceTimersByTimeAsync(1)
    registry.cancelAll()
    const idle = registry.whenIdle(1000)
    await vi.advanceTimersByTimeAsync(60)
    await expect(idle).resolves.toBe(true)
    expect(sink.events).toEqual([
      { event: 'model:finished', payload: { jobId: 'job-1', outcome: 'cancelled' } },
    ])

    const stuck = new JobRegistry(recordingSink(), { createId: () => 'job-2' })
    stuck.start({ finished: 'model:finished' }, () => new Promise(() => undefined))
    await vi.advanceTimersByTimeAsync(1)
    const gaveUp = stuck.whenIdle(500)
    await vi.advanceTimersByTimeAsync(500)
    await expect(gaveUp).resolves.toBe(false)
  })
})
