import type { ReportDocument, ReportPresetName } from '../../../src-main/shared/domain/reports'
import { defineDayDocumentStore } from './define-day-document-store'

/** One day's report (a preset) and its HTML export. */
export const useReportsStore = defineDayDocumentStore<ReportPresetName, ReportDocument>('reports', {
  defaultPreset: 'data-drift',
  fetch: (bridge, request) => bridge.invoke('reports:get', request),
  exportHtml: (bridge, request) => bridge.invoke('reports:export-html', request),
})
