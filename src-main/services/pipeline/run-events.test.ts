import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunProgressEvent } from '../../shared/domain/runs'
import { RunEvents } from './run-events'

const log = (message: string): RunProgressEvent => ({
  type: 'log',
  runId: 'r',
  level: 'info',
  message,
})

describe('RunEvents', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('delivers every event, in order, in batches at most every interval', () => {
    const events = new RunEvents(100)
    const received: string[] = []
    events.subscribe((event) => received.push((event as { message: string }).message))
    for (let i = 0; i < 50; i++) events.emit(log(String(i)))
    expect(received).toEqual([])
    vi.advanceTimersByTime(0)
    expect(received).toHaveLength(50)
    events.emit(log('50'))
    vi.advanceTimersByTime(50)
    expect(received).toHaveLength(50)
    vi.advanceTimersByTime(50)
    expect(received.map(Number)).toEqual(Array.from({ length: 51 }, (_, i) => i))
  })

  it('flushes at once when the run finishes', () => {
    const events = new RunEvents(1000)
    const types: string[] = []
    events.subscribe((event) => types.push(event.type))
    events.emit(log('a'))
    events.emit({ type: 'run-finished', runId: 'r', state: 'Completed', message: null })
    expect(types).toEqual(['log', 'run-finished'])
  })

  it('stops delivering after unsubscribe, and isolates a throwing listener', () => {
    const events = new RunEvents(0)
    const good: RunProgressEvent[] = []
    events.subscribe(() => {
      throw new Error('closed window')
    })
    const unsubscribe = events.subscribe((event) => good.push(event))
    events.emit(log('one'))
    events.flush()
    unsubscribe()
    events.emit(log('two'))
    events.flush()
    expect(good).toHaveLength(1)
  })
})
