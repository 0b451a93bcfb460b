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
import type { LiveProgressItem, LiveSessionStatus, LiveWindows, ReplaySpeed } from './domain/live'
import type { DayMetrics, ModelSummary } from './domain/metrics'
import type {
  InspectFilesResult,
  ProjectDefinition,
  ProjectSummary,
  ProjectWindows,
  SaveProjectResult,
} from './domain/projects'
import { COURSE_PROJECT_NAME } from './domain/projects'
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

/**
 * A backfill of a learner's own stored project (issue #11): its data, mapping, windows, options and
 * extra metrics all come from the project's definition, as `backfill --project NAME` reads them.
 */
export interface ProjectBackfillStartRequest {
  readonly project: string
  /** Recompute windows already stored with the same inputs. */
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

/**
 * One window's report or test suite of a learner's own project (the course's days use the requests
 * above): the window by its label, as `project:windows` lists them.
 */
export interface ProjectReportRequest {
  readonly project: string
  readonly window: string
  readonly preset: ReportPresetName
}

export interface ProjectTestSuiteRequest {
  readonly project: string
  readonly window: string
  readonly preset: TestSuitePresetName
}

/** A draft's files: each side one or more absolute paths (files or folders). */
export interface ProjectFilesRequest {
  readonly reference: readonly string[]
  readonly current: readonly string[]
}

/** A self-contained HTML file (no network at view time) and the name to save it under. */
export interface HtmlExport {
  readonly fileName: string
  readonly html: string
}

/** A live session (issue #12): the service, a replay of `month` at `speed`, the collector. */
export interface LiveStartRequest {
  readonly project: string
  readonly month: string
  readonly speed: ReplaySpeed
}

/**
 * The windows of a live session: the project's service_health rows and its daily_metrics rows with
 * source 'live' whose window lies in `month` (event time: the replayed trips) or, with `since`, began
 * or was computed at or after it (wall time: the session's start).
 */
export interface LiveWindowsRequest {
  readonly project: string
  readonly month: string
  readonly since?: string
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
  /** The course's days of a month, or (with `project`) every window of an own project. */
  'pipeline:start': {
    request: BackfillRequest | ProjectBackfillStartRequest
    response: BackfillStarted
  }
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
  /**
   * Stored windows: the course's days of `month`, or (with an own `project`) every stored window of
   * that project, `month` then optional.
   */
  'metrics:list': {
    request: { readonly month?: string; readonly project?: string }
    response: readonly DayMetrics[]
  }
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
  /** Starts serve, then replay and collect --follow; one session at a time. */
  'live:start': { request: LiveStartRequest; response: JobStarted }
  /** Stops the session's processes (SIGTERM, SIGKILL after a grace) and answers once they have exited. */
  'live:stop': {
    request: Record<string, never>
    response: { readonly session: LiveSessionStatus | null }
  }
  /** The running session, or the last one of this panel process (null before any). */
  'live:status': {
    request: Record<string, never>
    response: { readonly session: LiveSessionStatus | null }
  }
  'live:windows': { request: LiveWindowsRequest; response: LiveWindows }
  'reports:get': { request: ReportRequest | ProjectReportRequest; response: ReportDocument }
  'reports:export-html': { request: ReportRequest | ProjectReportRequest; response: HtmlExport }
  'suites:run': { request: TestSuiteRequest | ProjectTestSuiteRequest; response: TestSuiteDocument }
  'suites:export-html': {
    request: TestSuiteRequest | ProjectTestSuiteRequest
    response: HtmlExport
  }
  /** The built-in course first, then the stored projects by name. */
  'project:list': {
    request: Record<string, never>
    response: { readonly projects: readonly ProjectSummary[] }
  }
  /** Reads a draft's files: columns, the first rows, the proposed role of each column. */
  'project:inspect-files': { request: ProjectFilesRequest; response: InspectFilesResult }
  /** Electron's file dialog for one side of a draft; browser mode has none (the learner types paths). */
  'project:choose-files': {
    request: { readonly side: 'reference' | 'current' }
    response: { readonly paths: readonly string[] } | null
  }
  /** Validates a draft (schema, files, columns, window) and stores it; problems come back per field. */
  'project:save': {
    request: { readonly definition: ProjectDefinition; readonly replace?: boolean }
    response: SaveProjectResult
  }
  /** Removes a stored project; with `withMetrics`, its stored windows too. */
  'project:remove': {
    request: { readonly name: string; readonly withMetrics?: boolean }
    response: { readonly removed: boolean }
  }
  /** An own project's windows (its current data cut as the project says) and the mapping in use. */
  'project:windows': { request: { readonly name: string }; response: ProjectWindows }
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
  'live:progress': JobProgress<LiveProgressItem>
  'live:finished': JobFinished<LiveSessionStatus>
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

/** Control characters have no place in a label or a path the panel sends. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true
  return false
}

/** A stored project's name (the project schema's pattern); `nyc-taxi` is the course. */
const PROJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function readProjectName(object: Record<string, unknown>, field: string): string {
  return readString(object, field, {
    pattern: PROJECT_NAME_PATTERN,
    describe: 'a project name (letters, digits, dot, dash, underscore)',
  })
}

/** A window label as `project:windows` gives it ('2024-01-05', 'rows 1-500', 'all'). */
function readWindowLabel(object: Record<string, unknown>, field: string): string {
  const label = readString(object, field, { maxLength: 80, describe: 'a window' })
  if (label === '' || hasControlCharacter(label)) {
    throw new AppError('INVALID_REQUEST', `Request field '${field}' must be a window label.`)
  }
  return label
}

/** The own-project form of a report or suite request, when the request names a project. */
function readProjectDocumentRequest<P extends string>(
  object: Record<string, unknown>,
  presets: readonly P[],
): { project: string; window: string; preset: P } {
  readObject(object, ['project', 'window', 'preset'])
  const project = readProjectName(object, 'project')
  if (project === COURSE_PROJECT_NAME) {
    throw new AppError(
      'INVALID_REQUEST',
      `The course project '${COURSE_PROJECT_NAME}' has days, not windows: ask with date and referenceMonth.`,
    )
  }
  return {
    project,
    window: readWindowLabel(object, 'window'),
    preset: readOneOf(object, 'preset', presets),
  }
}

/** Paths of one side of a draft: 1 to 64 (a relative one is a field problem the service words). */
function readPaths(object: Record<string, unknown>, field: string): readonly string[] {
  const value = object[field]
  if (!Array.isArray(value) || value.length === 0 || value.length > 64) {
    throw new AppError(
      'INVALID_REQUEST',
      `Request field '${field}' must be a list of 1 to 64 file or folder paths.`,
    )
  }
  return value.map((path: unknown, index) => {
    const name = `${field}[${index}]`
    const text = readString({ [name]: path }, name, { maxLength: 4096, describe: 'a path' })
    if (text.trim() === '' || hasControlCharacter(text)) {
      throw new AppError(
        'INVALID_REQUEST',
        `Request field '${name}' must be a file or folder path.`,
      )
    }
    return text
  })
}

/** A draft project: a plain JSON object of bounded size; its content is checked against the schema. */
function readDefinition(object: Record<string, unknown>, field: string): ProjectDefinition {
  const value = object[field]
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError('INVALID_REQUEST', `Request field '${field}' must be a project object.`)
  }
  if (JSON.stringify(value).length > 256 * 1024) {
    throw new AppError('INVALID_REQUEST', `Request field '${field}' is larger than 256 KB.`)
  }
  // Only the shape crosses here; project-handlers validates the content against the project schema.
  return value as ProjectDefinition
}

const readReportRequest: RequestGuard<ReportRequest | ProjectReportRequest> = (request) => {
  if (isObjectWith(request, 'project'))
    return readProjectDocumentRequest(request, reportPresetNames)
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

const readTestSuiteRequest: RequestGuard<TestSuiteRequest | ProjectTestSuiteRequest> = (
  request,
) => {
  if (isObjectWith(request, 'project'))
    return readProjectDocumentRequest(request, testSuitePresetNames)
  const object = readObject(request, ['date', 'preset', 'referenceMonth'])
  return {
    date: readDate(object, 'date'),
    preset: readOneOf(object, 'preset', testSuitePresetNames),
    referenceMonth: readMonth(object, 'referenceMonth'),
  }
}

/** A replay faster than a week of trips per second is what `max` is for. */
const MAX_REPLAY_SPEED = 604_800
/** `2022-03-01T10:00:00.000Z`: what `Date.toISOString` writes (the session's start). */
const ISO_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/

/** `'max'` or seconds of trip time per second, 1 to a week. */
function readReplaySpeed(object: Record<string, unknown>, field: string): ReplaySpeed {
  const value = object[field]
  if (value === 'max') return 'max'
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 1 ||
    value > MAX_REPLAY_SPEED
  ) {
    throw new AppError(
      'INVALID_REQUEST',
      `Request field '${field}' must be 'max' or a number from 1 to ${MAX_REPLAY_SPEED} (seconds of trip time per second; got ${JSON.stringify(value) ?? 'nothing'}).`,
    )
  }
  return value
}

function isObjectWith(request: unknown, key: string): request is Record<string, unknown> {
  return (
    typeof request === 'object' && request !== null && !Array.isArray(request) && key in request
  )
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
    if (isObjectWith(request, 'project')) {
      const object = readObject(request, ['project', 'force'])
      const project = readProjectName(object, 'project')
      if (project === COURSE_PROJECT_NAME)
        throw new AppError(
          'INVALID_REQUEST',
          `The course project '${COURSE_PROJECT_NAME}' is backfilled by month: ask with month, days, paceSeconds and referenceMonth.`,
        )
      const force = readOptional(object, 'force', readBoolean)
      return { project, ...(force === undefined ? {} : { force }) }
    }
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
    const object = readObject(request, ['month', 'project'])
    const project = readOptional(object, 'project', readProjectName)
    const month =
      project === undefined || project === COURSE_PROJECT_NAME || object.month !== undefined
        ? readMonth(object, 'month')
        : undefined
    return {
      ...(month === undefined ? {} : { month }),
      ...(project === undefined ? {} : { project }),
    }
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
  'live:start': (request) => {
    const object = readObject(request, ['project', 'month', 'speed'])
    return {
      project: readProjectName(object, 'project'),
      month: readMonth(object, 'month'),
      speed: readReplaySpeed(object, 'speed'),
    }
  },
  'live:stop': readNothing,
  'live:status': readNothing,
  'live:windows': (request) => {
    const object = readObject(request, ['project', 'month', 'since'])
    const since = readOptional(object, 'since', (o, f) =>
      readString(o, f, { pattern: ISO_INSTANT_PATTERN, describe: 'an ISO date-time' }),
    )
    return {
      project: readProjectName(object, 'project'),
      month: readMonth(object, 'month'),
      ...(since === undefined ? {} : { since }),
    }
  },
  'project:list': readNothing,
  'project:inspect-files': (request) => {
    const object = readObject(request, ['reference', 'current'])
    return { reference: readPaths(object, 'reference'), current: readPaths(object, 'current') }
  },
  'project:choose-files': (request) => {
    const object = readObject(request, ['side'])
    return { side: readOneOf(object, 'side', ['reference', 'current'] as const) }
  },
  'project:save': (request) => {
    const object = readObject(request, ['definition', 'replace'])
    const replace = readOptional(object, 'replace', readBoolean)
    return {
      definition: readDefinition(object, 'definition'),
      ...(replace === undefined ? {} : { replace }),
    }
  },
  'project:remove': (request) => {
    const object = readObject(request, ['name', 'withMetrics'])
    const withMetrics = readOptional(object, 'withMetrics', readBoolean)
    return {
      name: readProjectName(object, 'name'),
      ...(withMetrics === undefined ? {} : { withMetrics }),
    }
  },
  'project:windows': (request) => {
    const object = readObject(request, ['name'])
    return { name: readProjectName(object, 'name') }
  },
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
  'live:progress': true,
  'live:finished': true,
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
