/**
 * The messages between the panel's owner thread and its report worker: plain data only (structured
 * clone). One request asks for one day's report or test suite, as a document or as a standalone HTML
 * page; the worker answers each request with exactly one response carrying the same `requestId`.
 */
import type { AppConfig } from '../config/app-config'
import type {
  ReportDocument,
  ReportPresetName,
  TestSuiteDocument,
  TestSuitePresetName,
} from '../shared/domain/reports'
import type { ExplainResult, SegmentBy } from '../shared/domain/explain'
import type { SerializedError } from '../shared/errors'
import type { InspectFilesResult, ProjectWindows } from '../shared/domain/projects'
import type { DraftCheck } from '../services/projects/check-project-draft'
import type { ProjectTask } from '../services/projects/project-reports'

export type ReportTask =
  | {
      readonly kind: 'report'
      readonly preset: ReportPresetName
      readonly date: string
      readonly referenceMonth?: string
    }
  | {
      readonly kind: 'test-suite'
      readonly preset: TestSuitePresetName
      readonly date: string
      readonly referenceMonth?: string
    }
  /** A learner's project (issue #11): one window's report or suite, its windows, a draft's files. */
  | {
      readonly kind: 'project-report'
      readonly preset: ReportPresetName
      readonly project: ProjectTask
      readonly window: string
    }
  | {
      readonly kind: 'project-test-suite'
      readonly preset: TestSuitePresetName
      readonly project: ProjectTask
      readonly window: string
    }
  | { readonly kind: 'project-windows'; readonly project: ProjectTask }
  | {
      readonly kind: 'inspect-files'
      readonly reference: readonly string[]
      readonly current: readonly string[]
    }
  /** A draft project checked against the schema and its files before it is stored. */
  | { readonly kind: 'check-draft'; readonly draft: unknown }
  | {
      /** Why the prediction moved, outliers and segments (issue #13). */
      readonly kind: 'explain'
      readonly date: string
      readonly referenceMonth?: string
      readonly segment?: string | null
      readonly segmentBy?: SegmentBy
      readonly rows?: readonly number[]
    }

/** What a task computes: a document, or for the project tasks their own plain data. */
export type ReportWorkerValue =
  | ReportDocument
  | TestSuiteDocument
  | ProjectWindows
  | InspectFilesResult
  | DraftCheck
  | ExplainResult

export interface ReportWorkerRequest {
  readonly requestId: number
  /** The panel's configuration at the time of the request (the data folder may change). */
  readonly config: AppConfig
  readonly task: ReportTask
  /** Also render the self-contained HTML page (ECharts inlined), so main only forwards a string. */
  readonly html: boolean
}

export type ReportWorkerResponse =
  | {
      readonly requestId: number
      readonly ok: true
      readonly document: ReportWorkerValue
      readonly html: string | null
    }
  | { readonly requestId: number; readonly ok: false; readonly error: SerializedError }
