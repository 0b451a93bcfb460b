import type { ProjectBackfillWorkerFactory } from '../../adapters/worker/project-backfill-worker-pool'
import { ProjectBackfillWorkerPool } from '../../adapters/worker/project-backfill-worker-pool'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { findProject } from '../../adapters/postgres/project-repository'
import type { ProjectFile } from '../../core/project/project-schema'
import { projectMetricSpec, uniqueWindowMetrics } from '../../core/quality/window-column-metric'
import type { BackfillService } from '../../services/pipeline/backfill-service'
import type { ProjectBackfillRequest } from '../../services/pipeline/project-backfill-service'
import {
  ProjectBackfillService,
  windowSpecOf,
} from '../../services/pipeline/project-backfill-service'
import { projectRequest } from '../../services/projects/project-file'
import { projectDriftOptions } from '../../services/projects/project-reports'
import { DEFAULT_RETRY_POLICY } from '../../services/pipeline/retry-policy'
import { RunEvents } from '../../services/pipeline/run-events'
import type { PipelineOutcome } from '../../shared/ipc-contract'
import { AppError } from '../../shared/errors'
import type { AppConfig } from '../../config/app-config'
import type { OpenConnection } from '../database-connection'
import type { JobRegistry } from '../job-registry'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'
import type { JobSlot } from './job-slot'

export interface PipelineHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  /** The one backfill the panel runs at a time; the stack domain reads it too. */
  readonly backfillSlot: JobSlot
  /** A backfill service on the panel's current database. */
  readonly backfillService: () => Promise<BackfillService>
  /** Compute threads per backfill. */
  readonly workers: () => number
  /** Compute threads per own-project backfill (its own thread reads the data: one fewer by default). */
  readonly projectWorkers: () => number
  /** A bundled build's project backfill worker factory; source runs use the default. */
  readonly createProjectBackfillWorker?: ProjectBackfillWorkerFactory
  /** The panel's database: an own project's definition and its backfill's store. */
  readonly connection: () => Promise<OpenConnection>
}

type RunBackfill = (events: RunEvents, signal: AbortSignal) => Promise<PipelineOutcome>

/**
 * The backfill request of a stored own project, exactly as `backfill --project NAME` builds it with no
 * other flag (so the panel and the CLI store the same windows and reuse each other's): the definition's
 * files, mapping, window, drift options and extra metrics.
 */
export function storedProjectBackfillRequest(
  definition: ProjectFile,
  force: boolean,
): ProjectBackfillRequest {
  // Stored definitions hold absolute paths (the panel and `project add` store them so).
  const data = projectRequest(definition, resolve('/', 'project.yaml'))
  return {
    project: definition.name,
    origin: 'store',
    reference: data.reference,
    current: data.current,
    mapping: data.mapping ?? {},
    ...(data.windowColumn === undefined ? {} : { windowColumn: data.windowColumn }),
    ...(data.window === undefined ? {} : { window: data.window }),
    ...(definition.options === undefined ? {} : { drift: projectDriftOptions(definition) }),
    metrics: uniqueWindowMetrics((definition.metrics ?? []).map(projectMetricSpec)),
    force,
    retry: DEFAULT_RETRY_POLICY,
  }
}

/** Backfill runs: start one, resume an unfinished one, cancel. One at a time. */
export function createPipelineHandlers(
  deps: PipelineHandlerDeps,
): ChannelHandlers<ChannelsOf<'pipeline'>> {
  const startBackfill = (run: RunBackfill): string => {
    if (deps.backfillSlot.jobId !== null) {
      throw new AppError(
        'PIPELINE_INPUT_INVALID',
        'A backfill is already running: wait for it or cancel it first.',
      )
    }
    return deps.backfillSlot.fill((release) =>
      deps.jobs.start(
        { finished: 'pipeline:finished', progress: 'pipeline:progress' },
        async ({ signal, report }) => {
          const events = new RunEvents(0)
          const unsubscribe = events.subscribe(report)
          try {
            return await run(events, signal)
          } finally {
            unsubscribe()
            release()
          }
        },
      ),
    )
  }

  /** Runs (or resumes `resumeRunId`) an own project's backfill on the panel's database. */
  const runProjectBackfill = async (
    project: string,
    request: ProjectBackfillRequest | null,
    events: RunEvents,
    signal: AbortSignal,
    resumeRunId?: string,
  ): Promise<PipelineOutcome> => {
    const { store } = await deps.connection()
    const service = new ProjectBackfillService({
      store,
      lockProject: (name) => store.lockProjectBackfill(name),
      hostname: hostname(),
      pid: process.pid,
      createComputer: () =>
        new ProjectBackfillWorkerPool(deps.projectWorkers(), deps.createProjectBackfillWorker),
    })
    const outcome = await service
      .run(request, { events, signal, ...(resumeRunId === undefined ? {} : { resumeRunId }) })
      .catch((error: unknown) => {
        throw panelWording(error, project)
      })
    return { runId: outcome.run.id, state: outcome.run.state, message: outcome.run.stateMessage }
  }

  /** A stored project's request, or an error the panel can show before any job starts. */
  const ownProjectRequest = async (
    name: string,
    force: boolean,
  ): Promise<ProjectBackfillRequest> => {
    const { database } = await deps.connection()
    const stored = await findProject(database.pool, name)
    if (stored === undefined)
      throw new AppError(
        'INVALID_REQUEST',
        `No project is named '${name}' any more: pick another in the project list.`,
      )
    const { definition } = stored
    if (typeof definition.current === 'object' && !Array.isArray(definition.current))
      throw new AppError(
        'NOT_AVAILABLE',
        `Project '${name}' reads its current data from a PostgreSQL query; a backfill reads files (Parquet, CSV, JSON Lines). Point the project's current data at files to backfill it.`,
      )
    const request = storedProjectBackfillRequest(definition, force)
    try {
      windowSpecOf(request)
    } catch {
      throw new AppError(
        'INVALID_REQUEST',
        `Project '${name}' cuts its windows ${request.window === undefined ? 'nowhere (one window of all rows)' : `as '${request.window}'`}: a backfill stores each window at its start time, so it needs time windows — a timestamp column and a length such as 1d, 1h or month. Reports and test suites work on the project's windows as they are.`,
      )
    }
    return request
  }

  return {
    async 'pipeline:start'(request) {
      if ('project' in request) {
        const project = await ownProjectRequest(request.project, request.force === true)
        const jobId = startBackfill((events, signal) =>
          runProjectBackfill(project.project, project, events, signal),
        )
        return { jobId, runId: null }
      }
      const jobId = startBackfill(async (events, signal) => {
        const service = await deps.backfillService()
        const outcome = await service.run(
          {
            startDate: `${request.month}-01`,
            days: request.days,
            referenceMonth: request.referenceMonth,
            // Recorded with the run, so a resume reads the same folder.
            dataDir: deps.config().dataDir,
            force: request.force === true,
            paceSeconds: request.paceSeconds,
            retry: DEFAULT_RETRY_POLICY,
            workers: deps.workers(),
          },
          { events, signal },
        )
        return {
          runId: outcome.run.id,
          state: outcome.run.state,
          message: outcome.run.stateMessage,
        }
      })
      return { jobId, runId: null }
    },

    async 'pipeline:resume'({ runId }) {
      // An own project's run resumes through its own service (its request is stored on the run).
      const { store } = await deps.connection()
      // Resolved first: the id may be a prefix (the course's service resolves it too), not a uuid.
      const { id } = await store.resolveRunId(runId)
      const stored = id === null ? null : await store.getRun(id)
      if (stored !== null && ProjectBackfillService.isProjectRun(stored)) {
        const project = String(stored.parameters.project)
        const jobId = startBackfill((events, signal) =>
          runProjectBackfill(project, null, events, signal, stored.id),
        )
        return { jobId, runId: stored.id }
      }
      const jobId = startBackfill(async (events, signal) => {
        const service = await deps.backfillService()
        const outcome = await service.run(null, { events, signal, resumeRunId: runId })
        return {
          runId: outcome.run.id,
          state: outcome.run.state,
          message: outcome.run.stateMessage,
        }
      })
      return { jobId, runId }
    },

    async 'pipeline:cancel'({ jobId }) {
      return { cancelled: deps.jobs.cancel(jobId) }
    },

    async 'pipeline:current'() {
      return { jobId: deps.backfillSlot.jobId }
    },
  }
}

/**
 * The service words a held project lock for any front door; the panel adds where to look (the Runs page)
 * and what to press. Other errors pass unchanged.
 */
function panelWording(error: unknown, project: string): unknown {
  if (!(error instanceof AppError) || error.code !== 'BUSY') return error
  const holder = /\((run ID [^)]+|just starting)\)/.exec(error.message)?.[1] ?? 'just starting'
  return new AppError(
    'BUSY',
    `Another backfill of project '${project}' is running (${holder}; it may have been started from the command line or another panel): wait for it to finish — the Runs page shows it — then press Start backfill again.`,
    { cause: error },
  )
}
