/// <reference types="electron-vite/node" />
import type { BackfillWorkerFactory } from './backfill-worker-pool'
import createBackfillWorker from '../../worker/backfill.worker?nodeWorker'

/**
 * The backfill worker of a bundled build (the Electron main process): electron-vite's `?nodeWorker`
 * import emits the worker as its own chunk and returns a factory for it. Source runs (CLI, browser mode,
 * tests) use `startModuleWorker` instead; only the Electron composition root imports this file.
 */
export const bundledBackfillWorkerFactory: BackfillWorkerFactory = (index) =>
  createBackfillWorker({ name: `driftdesk-backfill-${index}` })
