import { hostname } from 'node:os'
import { resolve } from 'node:path'
import process from 'node:process'
import { ProjectBackfillWorkerPool } from '../adapters/worker/project-backfill-worker-pool'
import type { DriftOptions } from '../core/drift/drift-options'
import { COURSE_PROJECT } from '../core/project/course-project'
import type { ProjectFile } from '../core/project/project-schema'
import type { WindowMetricSpec } from '../core/quality/window-column-metric'
import { projectMetricSpec, uniqueWindowMetrics } from '../core/quality/window-column-metric'
import type { ColumnMappingSpec } from '../core/reports/column-mapping'
import type {
  ProjectBackfillOutcome,
  ProjectBackfillRequest,
  WindowResult,
} from '../services/pipeline/project-backfill-service'
import { ProjectBackfillService } from '../services/pipeline/project-backfill-service'
import { DEFAULT_RETRY_POLICY } from '../services/pipeline/retry-policy'
import type { RetryPolicy } from '../services/pipeline/retry-policy'
import { RunEvents } from '../services/pipeline/run-events'
import { ProjectFileError } from '../services/projects/project-file'
import { resolveProject } from '../services/projects/resolve-project'
import type { DayMetrics } from '../shared/domain/metrics'
import type { CliContext } from './cli-context'
import { CliError } from './cli-context'
import type { DatabaseSession } from './database-session'
import type { ProjectBackfillValues } from './project-backfill-options'
import { parseMetricFlags } from './project-backfill-options'

export {
  isProjectBackfill,
  parseMetricFlags,
  PROJECT_BACKFILL_HELP,
  projectBackfillOptions,
} from './project-backfill-options'
export type { ProjectBackfillValues } from './project-backfill-options'

/** A project definition's metrics as specs. */
function projectMetrics(definition: ProjectFile): WindowMetricSpec[] {
  return (definition.metrics ?? []).map(projectMetricSpec)
}

/** A project definition's drift options (Evidently's stattest overrides and drift share). */
function projectDrift(definition: ProjectFile | null): DriftOptions | undefined {
  const o = definition?.options
  if (o === undefined) return undefined
  const drift: Record<string, unknown> = {
    stattest: o.stattest,
    numStattest: o.num_stattest,
    catStattest: o.cat_stattest,
    stattestThreshold: o.threshold,
    numStattestThreshold: o.num_threshold,
    catStattestThreshold: o.cat_threshold,
    driftShare: o.drift_share,
  }
  for (const key of Object.keys(drift)) if (drift[key] === undefined) delete drift[key]
  return drift as DriftOptions
}

/** The request a command line describes: a resolved project (flags override it) or ad hoc flags. */
export async function buildProjectBackfillRequest(
  values: ProjectBackfillValues,
  help: string,
  openStore: () => Promise<DatabaseSession>,
  /** Where `--project FILE` is looked up: the folder the user typed in (`userDirectory`). */
  baseDir: string,
): Promise<ProjectBackfillRequest> {
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(values.retries === undefined ? {} : { retries: whole(values.retries, '--retries', 0) }),
    ...(values['retry-delay'] === undefined
      ? {}
      : { delaySeconds: seconds(values['retry-delay'], '--retry-delay') }),
  }
  const lateness =
    values.lateness === undefined ? undefined : whole(values.lateness, '--lateness', 1)
  const flagsMapping = mappingFromFlags(values)
  const flagMetrics = parseMetricFlags(values.metric)
  if (values.project !== undefined) {
    let resolved
    try {
      resolved = await resolveProject(
        values.project,
        async () => (await openStore()).database.pool,
        baseDir,
      )
    } catch (error) {
      if (error instanceof ProjectFileError) throw new CliError(error.message, 2)
      throw error
    }
    if (resolved.kind !== 'own') throw new CliError('nyc-taxi is the course project.', 2)
    const base = resolved.request
    const windowColumn = values.datetime ?? base.windowColumn
    const window = values.window ?? base.window
    return {
      project: resolved.name,
      origin: resolved.origin,
      reference: (values.reference ?? base.reference).map((p) => resolve(p)),
      current: (values.current ?? base.current).map((p) => resolve(p)),
      mapping: { ...base.mapping, ...flagsMapping },
      ...(windowColumn === undefined ? {} : { windowColumn }),
      ...(window === undefined ? {} : { window }),
      ...(lateness === undefined ? {} : { lateness }),
      ...(projectDrift(resolved.definition) === undefined
        ? {}
        : { drift: projectDrift(resolved.definition) as DriftOptions }),
      metrics: uniqueWindowMetrics([...projectMetrics(resolved.definition), ...flagMetrics]),
      force: values.force === true,
      retry,
    }
  }
  if (values.reference === undefined || values.current === undefined)
    throw new CliError(
      `Own data needs both --reference PATH and --current PATH (${values.reference === undefined ? '--reference' : '--current'} is missing), or --project NAME|FILE.\n\n${help}`,
      2,
    )
  const name = values.name ?? 'adhoc'
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || name === COURSE_PROJECT)
    throw new CliError(
      `--name '${name}' is not a project name: letters, digits, dot, dash, underscore, and not '${COURSE_PROJECT}'.`,
      2,
    )
  return {
    project: name,
    origin: 'ad hoc',
    reference: values.reference.map((p) => resolve(p)),
    current: values.current.map((p) => resolve(p)),
    mapping: flagsMapping,
    ...(values.datetime === undefined ? {} : { windowColumn: values.datetime }),
    ...(values.window === undefined ? {} : { window: values.window }),
    ...(lateness === undefined ? {} : { lateness }),
    metrics: uniqueWindowMetrics(flagMetrics),
    force: values.force === true,
    retry,
  }
}

function mappingFromFlags(values: ProjectBackfillValues): ColumnMappingSpec {
  const list = (flag: string, text: string | undefined): string[] | undefined => {
    if (text === undefined) return undefined
    const names = text
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '')
    if (names.length === 0) throw new CliError(`--${flag} takes column names: A,B,C.`, 2)
    return names
  }
  const numericalFeatures = list('numerical', values.numerical)
  const categoricalFeatures = list('categorical', values.categorical)
  return {
    ...(values.target === undefined ? {} : { target: values.target }),
    ...(values.prediction === undefined ? {} : { prediction: values.prediction }),
    ...(values.id === undefined ? {} : { id: values.id }),
    ...(numericalFeatures === undefined ? {} : { numericalFeatures }),
    ...(categoricalFeatures === undefined ? {} : { categoricalFeatures }),
  }
}

/**
 * Runs (or resumes) a project backfill on an open session and prints it: stdout one line per window (JSON
 * with `--json`), stderr the run's start, warnings and end. Exit 0 Completed, 1 Failed, 130 Cancelled.
 */
export async function runProjectBackfill(
  context: CliContext,
  session: DatabaseSession,
  request: ProjectBackfillRequest | null,
  options: {
    json: boolean
    /** Compute threads (the windows are read and stored on this one meanwhile). */
    workers: number
    resumeRunId?: string
    force?: boolean
    retry?: RetryPolicy
  },
): Promise<number> {
  const events = new RunEvents()
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'run-started') context.stderr.write(`Run ${event.runId} started.\n`)
    else if (event.type === 'log' && event.level !== 'info')
      context.stderr.write(`${event.level}: ${event.message}\n`)
  })
  const service = new ProjectBackfillService({
    store: session.store,
    lockProject: (project) => session.store.lockProjectBackfill(project),
    hostname: hostname(),
    pid: process.pid,
    createComputer: () => new ProjectBackfillWorkerPool(options.workers),
  })
  let outcome: ProjectBackfillOutcome
  // Windows are printed as the run stores them: subscribe to results, not the outcome.
  const print = events.subscribe((event) => {
    if (event.type !== 'day-result') return
    context.stdout.write(
      options.json
        ? `${JSON.stringify(windowToJson(event.metrics))}\n`
        : `${formatWindowLine(event.metrics)}${event.skipped ? '  (stored earlier)' : ''}\n`,
    )
  })
  try {
    outcome = await service.run(request, {
      events,
      signal: context.signal,
      ...(options.resumeRunId === undefined
        ? {}
        : {
            resumeRunId: options.resumeRunId,
            resumeOverrides: {
              ...(options.force === true ? { force: true } : {}),
              ...(options.retry === undefined ? {} : { retry: options.retry }),
            },
          }),
    })
    events.flush()
  } finally {
    unsubscribe()
    print()
  }
  const { run } = outcome
  context.stderr.write(
    `Run ${run.id} ${run.state}${run.stateMessage === null ? '' : `: ${run.stateMessage}`}\n`,
  )
  if (run.state === 'Failed')
    context.stderr.write(
      `To continue after fixing the cause: npm run driftdesk -- backfill --resume ${run.id}\n`,
    )
  if (run.state === 'Completed') return 0
  if (run.state === 'Cancelled') return 130
  return 1
}

/**
 * A window as `backfill --json` and `metrics --json` print it: the course's fields (`date` is the window's
 * key: its day, or its ISO start for windows not starting at midnight), then the dataset drift verdict,
 * MAE/RMSE and the error when there is one.
 */
export function windowToJson(day: DayMetrics): Record<string, unknown> {
  return {
    date: day.date,
    rows: day.rows,
    prediction_drift: day.predictionDrift,
    num_drifted_columns: day.numDriftedColumns,
    share_missing_values: day.shareMissingValues,
    share_of_drifted_columns: day.shareOfDriftedColumns,
    dataset_drift: day.datasetDrift,
    mae: day.mae,
    rmse: day.rmse,
    ...(day.error === undefined ? {} : { error: day.error }),
  }
}

function formatWindowLine(day: DayMetrics): string {
  if (day.rows === 0 || day.numDriftedColumns === null)
    return `${day.date}  rows ${day.rows}  ${day.error ?? 'no metrics'}`
  return [
    day.date,
    `rows ${day.rows}`,
    `prediction_drift ${day.predictionDrift === null ? '-' : day.predictionDrift.toFixed(4)}`,
    `drifted_columns ${day.numDriftedColumns}`,
    `share_missing ${(day.shareMissingValues ?? 0).toFixed(4)}`,
    ...(day.mae === null ? [] : [`mae ${day.mae.toFixed(4)}`]),
  ].join('  ')
}

/** Re-exported for `backfill --resume`, which routes project runs here. */
export const isProjectRun = ProjectBackfillService.isProjectRun

export type { WindowResult }

function whole(text: string, option: string, minimum: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < minimum)
    throw new CliError(
      `${option} must be a whole number of at least ${minimum} (got '${text}').`,
      2,
    )
  return value
}

function seconds(text: string, option: string): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0)
    throw new CliError(`${option} must be 0 or more seconds (got '${text}').`, 2)
  return value
}
