import { describe, expect, it } from 'vitest'
import type { DayMetrics } from '../../../src-main/shared/domain/metrics'
import { applyRunEvent, backfillDates, emptyTimeline } from './backfill-timeline'

function metrics(date: string): DayMetrics {
  return {
    date,
    rows: 10,
    predictionDrift: 0.1,
    numDriftedColumns: 1,
    shareOfDriftedColumns: 1 / 7,
    datasetDrift: false,
    shareMissingValues: 0.05,
    missingByColumn: {},
    mae: null,
    rmse: null,
    columns: [],
  }
}

describe('backfillDates', () => {
  it('lists consecutive days from the first of the month', () => {
    expect(backfillDates('2022-02', 3)).toEqual(['2022-02-01', '2022-02-02', '2022-02-03'])
    expect(backfillDates('2024-02', 29).at(-1)).toBe('2024-02-29')
  })
})

describe('applyRunEvent', () => {
  const start = emptyTimeline(backfillDates('2022-02', 3))

  it('starts with every day pending', () => {
    expect(start.cells.map((cell) => cell.state)).toEqual(['pending', 'pending', 'pending'])
  })

  it('follows task states, including retries with their attempt number', () => {
    let timeline = applyRunEvent(start, {
      type: 'run-started',
      runId: 'r1',
      job: 'backfill',
      totalTasks: 3,
    })
    timeline = applyRunEvent(timeline, {
      type: 'task-state',
      runId: 'r1',
      taskKey: 'day:2022-02-01',
      state: 'Running',
      attempt: 1,
    })
    timeline = applyRunEvent(timeline, {
      type: 'task-state',
      runId: 'r1',
      taskKey: 'day:2022-02-02',
      state: 'Retrying',
      attempt: 2,
      message: 'connection lost',
    })
    expect(timeline.runId).toBe('r1')
    expect(timeline.cells[0]).toEqual({ date: '2022-02-01', state: 'running', attempt: 1 })
    expect(timeline.cells[1]).toEqual({
      date: '2022-02-02',
      state: 'retrying',
      attempt: 2,
      message: 'connection lost',
    })
  })

  it('adds day results in date order and marks reused days apart', () => {
    let timeline = applyRunEvent(start, {
      type: 'day-result',
      runId: 'r',
      metrics: metrics('2022-02-02'),
      skipped: false,
      done: 1,
      total: 3,
    })
    timeline = applyRunEvent(timeline, {
      type: 'day-result',
      runId: 'r',
      metrics: metrics('2022-02-01'),
      skipped: true,
      done: 2,
      total: 3,
    })
    expect(timeline.metrics.map((day) => day.date)).toEqual(['2022-02-01', '2022-02-02'])
    expect(timeline.cells.map((cell) => cell.state)).toEqual(['skipped', 'done', 'pending'])
    expect([timeline.done, timeline.total]).toEqual([2, 3])
  })

  it("keeps a resumed run's own earlier days done, not reused (regression: they counted as reused live and as computed after a reload)", () => {
    let timeline = applyRunEvent(start, {
      type: 'task-state',
      runId: 'r',
      taskKey: 'day:2022-02-01',
      state: 'Completed',
      attempt: 1,
    })
    timeline = applyRunEvent(timeline, {
      type: 'day-result',
      runId: 'r',
      metrics: metrics('2022-02-01'),
      skipped: true,
      done: 1,
      total: 3,
    })
    expect(timeline.cells[0]?.state).toBe('done')
  })

  it('ignores tasks that are not days', () => {
    const timeline = applyRunEvent(start, {
      type: 'task-state',
      runId: 'r',
      taskKey: 'train',
      state: 'Running',
      attempt: 1,
    })
    expect(timeline).toBe(start)
  })

  it('marks unfinished days cancelled when the run is cancelled', () => {
    let timeline = applyRunEvent(start, {
      type: 'day-result',
      runId: 'r',
      metrics: metrics('2022-02-01'),
      skipped: false,
      done: 1,
      total: 3,
    })
    timeline = applyRunEvent(timeline, {
      type: 'task-state',
      runId: 'r',
      taskKey: 'day:2022-02-02',
      state: 'Running',
      attempt: 1,
    })
    timeline = applyRunEvent(timeline, {
      type: 'run-finished',
      runId: 'r',
      state: 'Cancelled',
      message: 'Cancelled by the user.',
    })
    expect(timeline.cells.map((cell) => cell.state)).toEqual(['done', 'cancelled', 'cancelled'])
    expect(timeline.finalState).toBe('Cancelled')
  })

  it('keeps at most 200 log lines', () => {
    let timeline = start
    for (let i = 0; i < 250; i++)
      timeline = applyRunEvent(timeline, {
        type: 'log',
        runId: 'r',
        level: 'info',
        message: `line ${i}`,
      })
    expect(timeline.logs).toHaveLength(200)
    expect(timeline.logs[0]?.message).toBe('line 50')
  })
})
