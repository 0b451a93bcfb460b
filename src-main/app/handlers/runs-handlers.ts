import { daysInMonth, isoDate, parseIsoDate } from '../../core/pipeline/daily-windows'
import { AppError } from '../../shared/errors'
import type { DatabaseConnection } from '../database-connection'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

export interface RunsHandlerDeps {
  readonly connection: DatabaseConnection
}

/** What the backfills stored: the runs and their details, a month's daily metrics. */
export function createRunsHandlers(
  deps: RunsHandlerDeps,
): ChannelHandlers<ChannelsOf<'runs'> | ChannelsOf<'metrics'>> {
  return {
    async 'metrics:list'({ month }) {
      const { store } = await deps.connection.get()
      const from = `${month}-01`
      const to = isoDate(parseIsoDate(from) + daysInMonth(month) * 86_400_000)
      return (await store.listStoredDays(from, to)).map((day) => day.metrics)
    },

    async 'runs:list'({ limit }) {
      const { store } = await deps.connection.get()
      return store.listRuns(limit ?? 50)
    },

    async 'runs:show'({ runId }) {
      const { store } = await deps.connection.get()
      // Resolves an abbreviated id too, and never hands a non-UUID to PostgreSQL.
      const { id } = await store.resolveRunId(runId)
      const details = id === null ? null : await store.runDetails(id)
      if (details === null) throw new AppError('RUN_NOT_FOUND', `No run ${runId} in this database.`)
      return details
    },
  }
}
