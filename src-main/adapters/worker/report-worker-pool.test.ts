import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { syntheticTaxiDataDir } from '../../../test/support/taxi-data'
import type { AppConfig } from '../../config/app-config'
import { loadConfig } from '../../config/app-config'
import { ReportService } from '../../services/reports/report-service'
import { MAX_QUEUED_REPORTS, ReportWorkerPool } from './report-worker-pool'
import { startModuleWorker } from './worker-host'

/**
 * The panel's report thread, for real: synthetic TLC files, a fresh home (so the first report trains
 * the reference month's model), the worker module started as the panel starts it.
 */
describe('the report worker pool (issue 9: reports froze the panel)', () => {
  let home: string
  let config: AppConfig
  const started: Worker[] = []
  let pool: ReportWorkerPool
  const task = { kind: 'report', preset: 'data-drift', date: '2022-02-02' } as const

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-report-pool-'))
    config = loadConfig({}, { homeDir: home, dataDir: await syntheticTaxiDataDir() })
    pool = new ReportWorkerPool(1, (index) => {
      const worker = startModuleWorker(
        new URL('../../worker/report.worker.ts', import.meta.url),
        `test-report-${index}`,
      )
      started.push(worker)
      return worker
    })
  })

  afterAll(async () => {
    await pool.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('computes a report (training the missing model) and a suite on its thread, never on this one', async () => {
    const onThisThread = vi.spyOn(ReportService.prototype, 'report')
    const suiteOnThisThread = vi.spyOn(ReportService.prototype, 'testSuite')
    try {
      const { document, html } = await pool.report(config, task)
      expect(document.metrics.map((metric) => metric.metric)).toEqual([
        'DatasetDriftMetric',
        'DataDriftTable',
      ])
      expect(document.context).toMatchObject({ date: '2022-02-02', referenceMonth: '2022-01' })
      expect(html).toBeNull()
      const suite = await pool.testSuite(
        config,
        { kind: 'test-suite', preset: 'data-drift', date: '2022-02-02' },
        { html: true },
      )
      expect(suite.document.summary.total_tests).toBe(suite.document.tests.length)
      expect(suite.html).toContain('<html')
      expect(onThisThread).not.toHaveBeenCalled()
      expect(suiteOnThisThread).not.toHaveBeenCalled()
    } finally {
      onThisThread.mockRestore()
      suiteOnThisThread.mockRestore()
    }
  })

  it('words a request the data cannot answer as INVALID_REQUEST', async () => {
    await expect(pool.report(config, { ...task, referenceMonth: '2022-03' })).rejects.toMatchObject(
      {
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('must come before 2022-02') as unknown,
      },
    )
  })

  it(`answers BUSY beyond ${MAX_QUEUED_REPORTS} waiting tasks, and computes the others`, async () => {
    const total = MAX_QUEUED_REPORTS + 20
    const outcomes = await Promise.allSettled(
      Array.from({ length: total }, () => pool.report(config, task)),
    )
    const busy = outcomes.filter(
      (outcome) =>
        outcome.status === 'rejected' && (outcome.reason as { code?: string }).code === 'BUSY',
    )
    // The first goes to the thread at once; MAX_QUEUED_REPORTS wait; the rest are refused.
    expect(busy).toHaveLength(total - MAX_QUEUED_REPORTS - 1)
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(
      MAX_QUEUED_REPORTS + 1,
    )
  })

  it('fails the task of a thread that dies with INTERNAL, and starts a new thread for the next', async () => {
    // The first thread exits as soon as it is handed a task, so the task is in flight when it dies.
    let spawned = 0
    const dying = new ReportWorkerPool(1, (index) => {
      spawned++
      if (spawned === 1) {
        return new Worker(
          "require('node:worker_threads').parentPort.on('message', () => process.exit(3))",
          { eval: true },
        )
      }
      return startModuleWorker(
        new URL('../../worker/report.worker.ts', import.meta.url),
        `test-report-${index}`,
      )
    })
    try {
      await expect(dying.report(config, task)).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('exit code 3') as unknown,
      })
      const { document } = await dying.report(config, task)
      expect(document.context?.date).toBe('2022-02-02')
      expect(spawned).toBe(2)
    } finally {
      await dying.close()
    }
  })
})
