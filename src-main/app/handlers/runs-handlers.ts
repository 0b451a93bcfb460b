import { daysInMonth, isoDate, parseIsoDate } from '../../core/pipeline/daily-windows'
import { AppError } from '../../shared/errors'
import type { DatabaseConnection } from '../database-connection'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

/** Bounds of "every window": PostgreSQL timestamps span these years and a log's dates lie between. */
const ALL_FROM = '1900-01-01'
const ALL_TO = '9999-12-31'

export interface RunsHandlerDeps {
  readonly connection: DatabaseConnection
}

/** What the backfills stored: the runs and their details, a month's daily metrics, a project's windows. */
export function createRunsHandlers(
  deps: RunsHandlerDeps,
): ChannelHandlers<ChannelsOf<'runs'> | ChannelsOf<'metrics'>> {
  return {
    async 'metrics:list'({ month, project }) {
      const { store } = await deps.connection.get()
      if (month === undefined) {
        // An own project's every stored window (the guard asks the course for a month).
        return (await store.listStoredDays(ALL_FROM, ALL_TO, project)).map((day) => day.metrics)
      }
      const from = `${month}-01`
      const to = isoDate(parseIsoDate(from) + daysInMonth(month) * 86_400_000)
      return (await store.listStoredDays(from, to, project)).map((day) => day.metrics)
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
