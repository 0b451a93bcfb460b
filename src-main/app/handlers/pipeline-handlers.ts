import type { BackfillService } from '../../services/pipeline/backfill-service'
import { DEFAULT_RETRY_POLICY } from '../../services/pipeline/retry-policy'
import { RunEvents } from '../../services/pipeline/run-events'
import type { PipelineOutcome } from '../../shared/ipc-contract'
import { AppError } from '../../shared/errors'
import type { AppConfig } from '../../config/app-config'
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
}

type RunBackfill = (
  service: BackfillService,
  events: RunEvents,
  signal: AbortSignal,
) => Promise<PipelineOutcome>

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
            return await run(await deps.backfillService(), events, signal)
          } finally {
            unsubscribe()
            release()
          }
        },
      ),
    )
  }

  return {
    async 'pipeline:start'(request) {
      const jobId = startBackfill(async (service, events, signal) => {
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
      const jobId = startBackfill(async (service, events, signal) => {
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
