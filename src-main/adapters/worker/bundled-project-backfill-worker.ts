/// <reference types="electron-vite/node" />
import type { ProjectBackfillWorkerFactory } from './project-backfill-worker-pool'
import createProjectBackfillWorker from '../../worker/project-backfill.worker?nodeWorker'

/**
 * An own project's backfill worker in a bundled build (the Electron main process): electron-vite's
 * `?nodeWorker` import emits the worker as its own chunk. Source runs (CLI, browser mode, tests) use
 * `startModuleWorker` instead; only the Electron composition root imports this file.
 */
export const bundledProjectBackfillWorkerFactory: ProjectBackfillWorkerFactory = (index) =>
  createProjectBackfillWorker({ name: `driftdesk-project-backfill-${index}` })
