/// <reference types="electron-vite/node" />
import type { ReportWorkerFactory } from './report-worker-pool'
import createReportWorker from '../../worker/report.worker?nodeWorker'

/**
 * The report worker of a bundled build (the Electron main process), as `bundled-backfill-worker.ts` does
 * for the backfill: only the Electron composition root imports this file.
 */
export const bundledReportWorkerFactory: ReportWorkerFactory = (index) =>
  createReportWorker({ name: `driftdesk-report-${index}` })
