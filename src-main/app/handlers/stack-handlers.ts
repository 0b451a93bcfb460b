import type { AppConfig } from '../../config/app-config'
import type { StackService } from '../../services/stack/stack-service'
import { AppError } from '../../shared/errors'
import type { DatabaseConnection } from '../database-connection'
import type { JobRegistry } from '../job-registry'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'
import { JobSlot } from './job-slot'
import type { StackUrlCache } from './stack-url-cache'

export interface StackHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  readonly stack: StackService
  readonly stackUrls: StackUrlCache
  readonly connection: DatabaseConnection
  /** The running backfill, if any: the database must not move (or stop) under it. */
  readonly backfillSlot: JobSlot
}

/** How often the stack's per-service health is polled while it starts. */
const HEALTH_POLL_MS = 1500

/** The container stack (PostgreSQL, Grafana, Adminer): status, start as a job, stop. */
export function createStackHandlers(deps: StackHandlerDeps): ChannelHandlers<ChannelsOf<'stack'>> {
  const { stack, stackUrls } = deps
  const stackSlot = new JobSlot()

  return {
    async 'stack:status'() {
      const status = await stack.status()
      stackUrls.urls = status.urls
      return status
    },

    async 'stack:start'({ pull }) {
      // One start at a time (a double click, a second tab): the second caller follows the running job.
      if (stackSlot.jobId !== null) return { jobId: stackSlot.jobId }
      const jobId = stackSlot.fill((release) =>
        deps.jobs.start(
          { finished: 'stack:finished', progress: 'stack:progress' },
          async ({ signal, report }) => {
            let isPolling = true
            const poll = async (): Promise<void> => {
              while (isPolling) {
                await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS))
                if (!isPolling) return
                const status = await stack.status().catch(() => null)
                if (status !== null && isPolling)
                  report({ type: 'health', services: status.services })
              }
            }
            const polling = poll()
            try {
              const status = await stack.up({
                pull: pull === true,
                signal,
                onPullProgress: (progress) => report({ type: 'pull', progress }),
                onMessage: (text) => report({ type: 'message', text }),
              })
              stackUrls.urls = status.urls
              // Move to the stack's PostgreSQL so Grafana shows what the next backfill stores.
              if (deps.backfillSlot.jobId === null && deps.config().databaseUrl === null)
                await deps.connection.reopen()
              return status
            } finally {
              isPolling = false
              await polling
              release()
            }
          },
        ),
      )
      return { jobId }
    },

    async 'stack:cancel'({ jobId }) {
      return { cancelled: deps.jobs.cancel(jobId) }
    },

    async 'stack:stop'() {
      if (deps.backfillSlot.jobId !== null) {
        throw new AppError(
          'PIPELINE_INPUT_INVALID',
          'A backfill is running: cancel it before stopping the stack.',
        )
      }
      await stack.stop()
      // If the panel was using the stack's PostgreSQL, the next request falls back to the embedded one.
      if (deps.config().databaseUrl === null) await deps.connection.reopen()
      const status = await stack.status()
      stackUrls.urls = status.urls
      return status
    },
  }
}
