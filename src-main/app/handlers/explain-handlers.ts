import type { ReportWorkerPool } from '../../adapters/worker/report-worker-pool'
import type { AppConfig } from '../../config/app-config'
import type { ExplainRequest } from '../../shared/ipc-contract'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

export interface ExplainHandlerDeps {
  readonly config: () => AppConfig
  /** The report threads: an explanation reads a month of trips, so it is computed there too. */
  readonly reports: ReportWorkerPool
  /** Trains a missing model through the panel's queue first (as the report handlers do). */
  readonly ensureModel: (referenceMonth: string, date: string) => Promise<void>
}

function taskOf(request: ExplainRequest): Parameters<ReportWorkerPool['explain']>[1] {
  return {
    kind: 'explain',
    date: request.date,
    referenceMonth: request.referenceMonth,
    ...(request.segment === undefined ? {} : { segment: request.segment }),
    ...(request.segmentBy === undefined ? {} : { segmentBy: request.segmentBy }),
    ...(request.rows === undefined ? {} : { rows: request.rows }),
  }
}

/**
 * Why a course day's prediction moved, its outliers and segments (issue #13), as data for the day's
 * report view or as a standalone HTML page. A request the user can fix (a day without trips, a segment
 * column the data lacks, a row outside the day) fails with INVALID_REQUEST.
 */
export function createExplainHandlers(
  deps: ExplainHandlerDeps,
): ChannelHandlers<ChannelsOf<'explain'>> {
  return {
    async 'explain:get'(request) {
      await deps.ensureModel(request.referenceMonth, request.date)
      return (await deps.reports.explain(deps.config(), taskOf(request))).document
    },

    async 'explain:export-html'(request) {
      await deps.ensureModel(request.referenceMonth, request.date)
      const { html } = await deps.reports.explain(deps.config(), taskOf(request), { html: true })
      return { fileName: `driftdesk-explain-${request.date}.html`, html: html ?? '' }
    },
  }
}
