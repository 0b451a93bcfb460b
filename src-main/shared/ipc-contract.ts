/**
 * The one contract between the renderer and the main process, whatever carries it (Electron IPC or the
 * browser-mode WebSocket). `InvokeContract` maps each request channel (`domain:verb`) to its request and
 * response; `EventContract` maps each pushed event (`domain:noun`) to its payload. `REQUEST_GUARDS` checks
 * every request at runtime, because the renderer is untrusted; the compiler keeps the three in step.
 *
 * Long jobs (training, a backfill, starting the stack, downloads) answer at once with a `jobId`, push
 * `…:progress` batches (at most ~10 per second per job) and end with exactly one `…:finished` event whose
 * `outcome` is `done`, `failed` or `cancelled`. `…:cancel` with the job id aborts it.
 */
import type { SerializedError } from './errors'
import { AppError } from './errors'
import type { DayMetrics, ModelSummary } from './domain/metrics'
import type {
  ReportDocument,
  ReportPresetName,
  TestSuiteDocument,
  TestSuitePresetName,
} from './domain/reports'
import { reportPresetNames, testSuitePresetNames } from './domain/reports'
import type { ExplainResult, SegmentBy } from './domain/explain'
import type { RunDetails, RunProgressEvent, RunRecord, RunState } from './domain/runs'
import type { StackStatus } from './domain/stack'
import type { DataFileProgress, DataFilesStatus, StackProgressItem } from './domain/ui'
import type { RequestGuard } from './request-guards'
import {
  readDate,
  readId,
  readInteger,
  readMonth,
  readNumber,
  readObject,
  readOptional,
  readBoolean,
  readOneOf,
  readString,
} from './request-guards'

/** Every response crosses the boundary inside this envelope; errors are plain data. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError }

export interface JobStarted {
  readonly jobId: string
}

export interface CancelRequest {
  readonly jobId: string
}

export interface CancelResponse {
  /** False when the job had already ended (its terminal event was or will be sent anyway). */
  readonly cancelled: boolean
}

/** A batch of progress items of one job, in the order they happened. */
export interface JobProgress<Item> {
  readonly jobId: string
  readonly items: readonly Item[]
}

/** The one terminal event of a job. */
export type JobFinished<Value> =
  | { readonly jobId: string; readonly outcome: 'done'; readonly value: Value }
  | { readonly jobId: string; readonly outcome: 'failed'; readonly error: SerializedError }
  | { readonly jobId: string; readonly outcome: 'cancelled' }

/** How the panel is being shown. */
export type PanelMode = 'electron' | 'browser'

/**
 * What the renderer needs to know about its surroundings; never a password. `adminer.loginUrl` does
 * carry Adminer's auto-login token (the frame needs it); `adminer.url` is the bare origin for links.
 */
export interface PanelConfig {
  readonly mode: PanelMode
  readonly version: string
  readonly homeDir: string
  /** The folder the trip files are read from (a user's folder or the download cache). */
  readonly dataDir: string
  /** `embedded` (PostgreSQL started by driftdesk under the home directory) or `external` (a URL). */
  readonly database: { readonly kind: 'embedded' | 'external'; readonly description: string }
  /** Null unless the service is running and healthy (a stopped service's frame would show an error). */
  readonly grafana: { readonly url: string; readonly dashboardUrl: string } | null
  readonly adminer: { readonly url: string; readonly loginUrl: string } | null
  /** The origins this page's Content-Security-Policy lets frames load from. */
  readonly frameOrigins: readonly string[]
}

export interface TrainRequest {
  readonly referenceMonth: string
  readonly force?: boolean
}

/** The trained model plus a sample of (actual, predicted) pairs on the validation rows for the plot. */
export interface ModelView {
  readonly summary: ModelSummary
  readonly predictedVsActual: readonly (readonly [actual: number, predicted: number])[]
}

export interface BackfillRequest {
  readonly month: string
  /** Days from the first of the month; at most the days in the month. */
  readonly days: number
  /** Seconds between days (the course's SEND_TIMEOUT); 0 runs flat out. */
  readonly paceSeconds: number
  readonly referenceMonth: string
  readonly force?: boolean
}

export interface BackfillStarted extends JobStarted {
  readonly runId: string | null
}

export interface PipelineOutcome {
  readonly runId: string
  readonly state: RunState
  readonly message: string | null
}

/** One day's report or test suite, on the model and reference of `referenceMonth`. */
export interface ReportRequest {
  readonly date: string
  readonly preset: ReportPresetName
  readonly referenceMonth: string
}

/** One course day's explanation (issue #13): why the prediction moved, outliers, segments. */
export interface ExplainRequest {
  readonly date: string
  readonly referenceMonth: string
  /** The segment column (default: the pickup time by hour); null for no segments. */
  readonly segment?: string | null
  readonly segmentBy?: SegmentBy
  /** Row indexes of the day to explain one by one (at most 50). */
  readonly rows?: readonly number[]
}

export interface TestSuiteRequest {
  readonly date: string
  readonly preset: TestSuitePresetName
  readonly referenceMonth: string
}

/** A self-contained HTML file (no network at view time) and the name to save it under. */
export interface HtmlExport {
  readonly fileName: string
  readonly html: string
}

export interface InvokeContract {
  'config:get': { request: Record<string, never>; response: PanelConfig }
  /**
   * The jobs still running. Events pushed while a browser-mode socket was down are lost, so a store that
   * remembers a job id asks this after reconnecting and forgets ids whose job has ended.
   */
  'jobs:running': {
    request: Record<string, never>
    response: { readonly jobIds: readonly string[] }
  }
  'model:get': { request: { readonly referenceMonth: string }; response: ModelView | null }
  'model:train': { request: TrainRequest; response: JobStarted }
  'model:cancel': { request: CancelRequest; response: CancelResponse }
  'pipeline:start': { request: BackfillRequest; response: BackfillStarted }
  'pipeline:resume': { request: { readonly runId: string }; response: BackfillStarted }
  'pipeline:cancel': { request: CancelRequest; response: CancelResponse }
  /**
   * The backfill this panel process is running, if any: a reloaded page follows it again (its progress
   * and its Cancel button) instead of showing an idle form.
   */
  'pipeline:current': {
    request: Record<string, never>
    response: { readonly jobId: string | null }
  }
  'metrics:list': { request: { readonly month: string }; response: readonly DayMetrics[] }
  'runs:list': { request: { readonly limit?: number }; response: readonly RunRecord[] }
  'runs:show': { request: { readonly runId: string }; response: RunDetails }
  'stack:status': { request: Record<string, never>; response: StackStatus }
  'stack:start': { request: { readonly pull?: boolean }; response: JobStarted }
  'stack:cancel': { request: CancelRequest; response: CancelResponse }
  /** Stops the containers and keeps them and their data; `stack:start` restarts them. */
  'stack:stop': { request: Record<string, never>; response: StackStatus }
  'data:status': { request: { readonly months: readonly string[] }; response: DataFilesStatus }
  'data:download': { request: { readonly months: readonly string[] }; response: JobStarted }
  'data:cancel': { request: CancelRequest; response: CancelResponse }
  /** Uses `path` when given; otherwise asks the user (Electron's folder dialog). Null path: the cache again. */
  'data:choose-folder': {
    request: { readonly path?: string | null; readonly months: readonly string[] }
    response: DataFilesStatus | null
  }
  'reports:get': { request: ReportRequest; response: ReportDocument }
  'reports:export-html': { request: ReportRequest; response: HtmlExport }
  'suites:run': { request: TestSuiteRequest; response: TestSuiteDocument }
  'suites:export-html': { request: TestSuiteRequest; response: HtmlExport }
  'explain:get': { request: ExplainRequest; response: ExplainResult }
  'explain:export-html': { request: ExplainRequest; response: HtmlExport }
}

export interface EventContract {
  'model:finished': JobFinished<ModelView>
  'pipeline:progress': JobProgress<RunProgressEvent>
  'pipeline:finished': JobFinished<PipelineOutcome>
  'stack:progress': JobProgress<StackProgressItem>
  'stack:finished': JobFinished<StackStatus>
  'data:progress': JobProgress<DataFileProgress>
  'data:finished': JobFinished<DataFilesStatus>
}

export type InvokeChannel = keyof InvokeContract
export type EventName = keyof EventContract
export type RequestOf<C extends InvokeChannel> = InvokeContract[C]['request']
export type ResponseOf<C extends InvokeChannel> = InvokeContract[C]['response']
export type PayloadOf<E extends EventName> = EventContract[E]

const readCancel: RequestGuard<CancelRequest> = (request) => {
  const object = readObject(request, ['jobId'])
  return { jobId: readId(object, 'jobId') }
}

const readMonths: RequestGuard<{ readonly months: readonly string[] }> = (request) => {
  const object = readObject(request, ['months'])
  const months = object.months
  if (!Array.isArray(months) || months.length === 0 || months.length > 24) {
    throw new AppError(
      'INVALID_REQUEST',
      "Request field 'months' must be a list of 1 to 24 months.",
    )
  }
  return {
    months: months.map((month: unknown, index) =>
      readMonth({ [`months[${index}]`]: month }, `months[${index}]`),
    ),
  }
}

const readReportRequest: RequestGuard<ReportRequest> = (request) => {
  const object = readObject(request, ['date', 'preset', 'referenceMonth'])
  return {
    date: readDate(object, 'date'),
    preset: readOneOf(object, 'preset', reportPresetNames),
    referenceMonth: readMonth(object, 'referenceMonth'),
  }
}

const readExplainRequest: RequestGuard<ExplainRequest> = (request) => {
  const object = readObject(request, ['date', 'referenceMonth', 'segment', 'segmentBy', 'rows'])
  const segment =
    object.segment === null
      ? null
      : readOptional(object, 'segment', (o, f) => readString(o, f, { maxLength: 200 }))
  const segmentBy = readOptional(object, 'segmentBy', (o, f) =>
    readOneOf(o, f, ['hour', 'weekday', 'value'] as const),
  )
  const rows = object.rows
  if (
    rows !== undefined &&
    !(Array.isArray(rows) && rows.length <= 50 && rows.every((r) => Number.isInteger(r) && r >= 0))
  )
    throw new AppError(
      'INVALID_REQUEST',
      'rows must be a list of at most 50 row indexes (0, 1, …).',
    )
  return {
    date: readDate(object, 'date'),
    referenceMonth: readMonth(object, 'referenceMonth'),
    ...(segment === undefined ? {} : { segment }),
    ...(segmentBy === undefined ? {} : { segmentBy }),
    ...(rows === undefined ? {} : { rows: rows as number[] }),
  }
}

const readTestSuiteRequest: RequestGuard<TestSuiteRequest> = (request) => {
  const object = readObject(request, ['date', 'preset', 'referenceMonth'])
  return {
    date: readDate(object, 'date'),
    preset: readOneOf(object, 'preset', testSuitePresetNames),
    referenceMonth: readMonth(object, 'referenceMonth'),
  }
}

const readNothing: RequestGuard<Record<string, never>> = (request) => {
  readObject(request ?? {}, [])
  return {}
}

/** One runtime guard per channel; the mapped type makes a missing channel a compile error. */
export const REQUEST_GUARDS: { readonly [C in InvokeChannel]: RequestGuard<RequestOf<C>> } = {
  'config:get': readNothing,
  'jobs:running': readNothing,
  'model:get': (request) => {
    const object = readObject(request, ['referenceMonth'])
    return { referenceMonth: readMonth(object, 'referenceMonth') }
  },
  'model:train': (request) => {
    const object = readObject(request, ['referenceMonth', 'force'])
    const force = readOptional(object, 'force', readBoolean)
    return {
      referenceMonth: readMonth(object, 'referenceMonth'),
      ...(force === undefined ? {} : { force }),
    }
  },
  'model:cancel': readCancel,
  'pipeline:start': (request) => {
    const object = readObject(request, ['month', 'days', 'paceSeconds', 'referenceMonth', 'force'])
    const month = readMonth(object, 'month')
    const [year, monthNumber] = month.split('-').map(Number) as [number, number]
    const daysInMonth = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate()
    const force = readOptional(object, 'force', readBoolean)
    return {
      month,
      days: readInteger(object, 'days', 1, daysInMonth),
      paceSeconds: readNumber(object, 'paceSeconds', 0, 3600),
      referenceMonth: readMonth(object, 'referenceMonth'),
      ...(force === undefined ? {} : { force }),
    }
  },
  'pipeline:resume': (request) => {
    const object = readObject(request, ['runId'])
    return { runId: readId(object, 'runId') }
  },
  'pipeline:cancel': readCancel,
  'pipeline:current': readNothing,
  'metrics:list': (request) => {
    const object = readObject(request, ['month'])
    return { month: readMonth(object, 'month') }
  },
  'runs:list': (request) => {
    const object = readObject(request ?? {}, ['limit'])
    const limit = readOptional(object, 'limit', (o, f) => readInteger(o, f, 1, 1000))
    return limit === undefined ? {} : { limit }
  },
  'runs:show': (request) => {
    const object = readObject(request, ['runId'])
    return { runId: readId(object, 'runId') }
  },
  'stack:status': readNothing,
  'stack:start': (request) => {
    const object = readObject(request ?? {}, ['pull'])
    const pull = readOptional(object, 'pull', readBoolean)
    return pull === undefined ? {} : { pull }
  },
  'stack:cancel': readCancel,
  'stack:stop': readNothing,
  'data:status': readMonths,
  'data:download': readMonths,
  'data:cancel': readCancel,
  'data:choose-folder': (request) => {
    const object = readObject(request, ['path', 'months'])
    const { months } = readMonths({ months: object.months })
    if (object.path === undefined) return { months }
    if (object.path === null) return { path: null, months }
    const path = readString(object, 'path', { maxLength: 1024, describe: 'a folder path' })
    return { path, months }
  },
  'reports:get': readReportRequest,
  'reports:export-html': readReportRequest,
  'suites:run': readTestSuiteRequest,
  'suites:export-html': readTestSuiteRequest,
  'explain:get': readExplainRequest,
  'explain:export-html': readExplainRequest,
}

export const INVOKE_CHANNELS = Object.keys(REQUEST_GUARDS) as readonly InvokeChannel[]

const EVENT_NAME_RECORD: { readonly [E in EventName]: true } = {
  'model:finished': true,
  'pipeline:progress': true,
  'pipeline:finished': true,
  'stack:progress': true,
  'stack:finished': true,
  'data:progress': true,
  'data:finished': true,
}

export const EVENT_NAMES = Object.keys(EVENT_NAME_RECORD) as readonly EventName[]

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.hasOwn(REQUEST_GUARDS, value)
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(EVENT_NAME_RECORD, value)
}

/** The bridge both transports implement: the preload's `window.api` and the WebSocket client. */
export interface PanelApi {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void
}

/** The preload's raw surface: results stay enveloped so the renderer rebuilds `AppError`s itself. */
export interface PreloadApi {
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>
  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void
}
