import type { ReportOptions } from '../core/reports/build-report'
import type { DataDriftOptions } from '../core/reports/data-drift-table'
import { loadConfig } from '../config/app-config'
import { COURSE_PROJECT } from '../core/project/course-project'
import { ProjectFileError } from '../services/projects/project-file'
import type { ResolvedProject } from '../services/projects/resolve-project'
import { ProjectNotFoundError, resolveProject } from '../services/projects/resolve-project'
import type { ColumnMappingSpec } from '../core/reports/column-mapping'
import { evidentlyAsDict } from '../core/reports/evidently-as-dict'
import { toEvidentlyJson } from '../core/reports/evidently-json'
import type { TestSuiteOptions } from '../core/suites/build-test-suite'
import { renderReportHtml } from '../services/reports/render-report-html'
import type { OwnDataRequest, WindowOutcome } from '../services/reports/own-data-reports'
import {
  loadOwnData,
  ownDataReports,
  ownDataTestSuites,
} from '../services/reports/own-data-reports'
import { ReportRequestError } from '../services/reports/report-service'
import type {
  ReportDocument,
  ReportPresetName,
  TestSuiteDocument,
  TestSuitePresetName,
} from '../shared/domain/reports'
import type { DatabasePool } from '../adapters/postgres/pool'
import { createPool } from '../adapters/postgres/pool'
import { readPostgresBatches } from '../adapters/sources/postgres-source'
import { readConnection } from '../config/saved-connections'
import type { CliContext } from './cli-context'
import { CliError } from './cli-context'
import { userDirectory } from './user-path'
import type { DatabaseSession } from './database-session'
import { openDatabaseSession } from './database-session'
import { OutputFile } from './output-file'

/** The ad hoc own-data flags `report` and `test-suite` share. */
export const ownDataOptions = {
  reference: { type: 'string', multiple: true },
  current: { type: 'string', multiple: true },
  target: { type: 'string' },
  prediction: { type: 'string' },
  numerical: { type: 'string' },
  categorical: { type: 'string' },
  datetime: { type: 'string' },
  id: { type: 'string' },
  window: { type: 'string' },
  project: { type: 'string' },
} as const

/** Help lines for the own-data flags, appended to `report` and `test-suite` help. */
export const OWN_DATA_HELP = `
Your own data (any model's log instead of the course's taxi trips):
  --project NAME|FILE                a stored project (\`project add\`, \`project list\`) or a project file (YAML/JSON,
                                     see \`project init\`); the flags below override it. --project nyc-taxi is
                                     the course itself (the same as leaving --project out)
  --reference PATH --current PATH    a .parquet, .csv or .jsonl file, or a folder of them (repeat a flag to
                                     join several files); both required for own data
  --target COL --prediction COL      default: the columns named 'target' and 'prediction', if any
  --numerical A,B --categorical C,D  feature lists; by default every integer/float column is numerical and
                                     every text/boolean column categorical (Evidently 0.4's inference)
  --id COL                           a row identifier (not a feature)
  --datetime COL                     the timestamp column that cuts windows; it is never a feature
  --window 1d|1h|7d|1w|month|rows:N  one report per window of the current data (JSON: one line per window)
  --date YYYY-MM-DD                  with --datetime: only that day's window; without --date and --window the
                                     whole current data is one report
`

type OwnDataValues = {
  reference?: string[]
  current?: string[]
  target?: string
  prediction?: string
  numerical?: string
  categorical?: string
  datetime?: string
  id?: string
  window?: string
  project?: string
  date?: string
  json?: boolean
  html?: string
  home?: string
  'database-url'?: string
}

/** The flags only own data takes; the course's taxi days refuse them. */
const OWN_DATA_ONLY_FLAGS = [
  'reference',
  'current',
  'target',
  'prediction',
  'numerical',
  'categorical',
  'datetime',
  'id',
  'window',
] as const

/** Whether the command line asks for own data rather than the course's taxi day. */
export function isOwnDataRequest(values: OwnDataValues): boolean {
  return (
    values.reference !== undefined || values.current !== undefined || values.project !== undefined
  )
}

/**
 * Resolves `--project NAME|FILE` (null without it): `nyc-taxi` is the course, a file is read, any other
 * name is looked up among the stored projects — the database is opened only then, and closed at once.
 * With the course, the own-data flags are a usage error (the course has its own: --date, --month).
 */
export async function resolveProjectFlag(
  context: CliContext,
  values: OwnDataValues,
  command: string,
): Promise<ResolvedProject | null> {
  if (values.project === undefined) return null
  let session: DatabaseSession | undefined
  const openStore = async (): Promise<DatabaseSession['database']['pool']> => {
    const config = loadConfig(context.env, {
      homeDir: values.home,
      databaseUrl: values['database-url'],
    })
    session = await openDatabaseSession(context, config, `driftdesk ${command}`)
    return session.database.pool
  }
  let project: ResolvedProject
  try {
    project = await clearly(() =>
      resolveProject(values.project as string, openStore, userDirectory(context.env)),
    )
  } finally {
    await session?.close()
  }
  if (project.kind === 'course') {
    const flag = OWN_DATA_ONLY_FLAGS.find((name) => values[name] !== undefined)
    if (flag !== undefined)
      throw new CliError(
        `--project ${COURSE_PROJECT} is the course's taxi model, which takes --date (and --reference-month), not --${flag}; leave --${flag} out, or name your own project.`,
        2,
      )
  }
  return project
}

/** What a project adds to a command line: its request (flags override it) and its drift options. */
function withProject(project: ResolvedProject | null): {
  request: OwnDataRequest | null
  drift: DataDriftOptions
} {
  if (project === null || project.kind !== 'own') return { request: null, drift: {} }
  const o = project.definition.options ?? {}
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
  return { request: project.request, drift: drift as DataDriftOptions }
}

/** The own-data request from flags, or a usage error naming the missing flag. */
function ownDataRequestFrom(
  values: OwnDataValues,
  help: string,
  project: OwnDataRequest | null = null,
): OwnDataRequest {
  if (project !== null) {
    // Flags given beside --project override the file, field by field.
    const windowColumn = values.datetime ?? project.windowColumn
    return {
      reference: values.reference ?? project.reference,
      current: values.current ?? project.current,
      // The project's PostgreSQL table or query, unless --current names files instead.
      ...(values.current === undefined && project.currentPostgres !== undefined
        ? { currentPostgres: project.currentPostgres }
        : {}),
      mapping: { ...project.mapping, ...mappingFromFlags(values) },
      ...(windowColumn === undefined ? {} : { windowColumn }),
      // --date picks one day of the project's data; --window replaces the project's window.
      ...(values.window !== undefined
        ? { window: values.window }
        : values.date === undefined && project.window !== undefined
          ? { window: project.window }
          : {}),
      ...(values.date === undefined ? {} : { date: values.date }),
    }
  }
  if (values.reference === undefined || values.current === undefined)
    throw new CliError(
      `Own data needs both --reference PATH and --current PATH (${values.reference === undefined ? '--reference' : '--current'} is missing).\n\n${help}`,
      2,
    )
  const mapping = mappingFromFlags(values)
  return {
    reference: values.reference,
    current: values.current,
    mapping,
    ...(values.datetime === undefined ? {} : { windowColumn: values.datetime }),
    ...(values.window === undefined ? {} : { window: values.window }),
    ...(values.date === undefined ? {} : { date: values.date }),
  }
}

/** The column mapping the flags state (left-out fields are inferred later). */
function mappingFromFlags(values: OwnDataValues): ColumnMappingSpec {
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

/** `report` on own data: one document per window; JSON is Evidently's `as_dict()` per window. */
export async function runOwnDataReport(
  context: CliContext,
  values: OwnDataValues,
  help: string,
  preset: ReportPresetName,
  options: ReportOptions,
  resolved: ResolvedProject | null,
): Promise<number> {
  if (preset === 'course')
    throw new CliError(
      "--preset course is the course's taxi report; for your own data use data-drift, data-quality or regression.",
      2,
    )
  const project = withProject(resolved)
  const request = ownDataRequestFrom(values, help, project.request)
  const data = await clearly(() => loadOwnDataWithSources(context, values, request))
  context.stderr.write(describeLoad('report', preset, data.windows.length, data.mapping))
  const outcomes = ownDataReports(data, preset, {
    ...options,
    drift: { ...project.drift, ...options.drift },
  })
  return writeOutcomes(
    context,
    values,
    request,
    outcomes,
    (document) => evidentlyAsDict(document),
    {
      html: (document) => renderReportHtml({ report: document }),
      text: describeReportBriefly,
    },
  )
}

/** `test-suite` on own data: one suite per window; exit 1 when a window's suite fails. */
export async function runOwnDataTestSuite(
  context: CliContext,
  values: OwnDataValues,
  help: string,
  preset: TestSuitePresetName,
  options: TestSuiteOptions,
  resolved: ResolvedProject | null,
): Promise<number> {
  const project = withProject(resolved)
  const request = ownDataRequestFrom(values, help, project.request)
  const data = await clearly(() => loadOwnDataWithSources(context, values, request))
  context.stderr.write(describeLoad('test-suite', preset, data.windows.length, data.mapping))
  const drift = { ...project.drift, ...options.drift }
  const outcomes = ownDataTestSuites(data, preset, {
    ...options,
    drift,
    ...(options.driftShare === undefined && drift.driftShare !== undefined
      ? { driftShare: drift.driftShare }
      : {}),
  })
  const code = await writeOutcomes(
    context,
    values,
    request,
    outcomes,
    (document) => ({ tests: document.tests, summary: document.summary }),
    {
      html: (document) => renderReportHtml({ suite: document }),
      text: (document) =>
        `${document.tests.map((t) => `${t.status.padEnd(8)} ${t.name}: ${t.description}`).join('\n')}\n${document.summary.success_tests} of ${document.summary.total_tests} tests passed\n`,
    },
  )
  const failed = outcomes.some((o) => o.document !== undefined && !o.document.summary.all_passed)
  return code !== 0 ? code : failed ? 1 : 0
}

async function writeOutcomes<D extends ReportDocument | TestSuiteDocument>(
  context: CliContext,
  values: OwnDataValues,
  request: OwnDataRequest,
  outcomes: readonly WindowOutcome<D>[],
  asDict: (document: D) => unknown,
  render: { html: (document: D) => Promise<string>; text: (document: D) => string },
): Promise<number> {
  const perWindow = request.window !== undefined && request.date === undefined
  for (const outcome of outcomes)
    if (outcome.error !== undefined)
      context.stderr.write(`Window ${outcome.window}: ${outcome.error} (the other windows go on)\n`)
  const computed = outcomes.filter((o) => o.document !== undefined)
  if (computed.length === 0)
    throw new CliError(
      outcomes.length === 0
        ? 'The current data has no rows to report on.'
        : `No window could be computed: ${outcomes[0]?.error ?? ''}`,
      1,
    )
  if (values.html !== undefined) {
    if (computed.length > 1)
      throw new CliError(
        `--html writes one page: pick one window with --date, or leave --window out for the whole data.`,
        2,
      )
    const written = await new OutputFile(values.html, '--html').write(
      await render.html(computed[0]!.document!),
    )
    context.stderr.write(`Wrote ${written}\n`)
  }
  for (const outcome of outcomes) {
    if (values.json === true) {
      if (!perWindow) {
        if (outcome.document !== undefined)
          context.stdout.write(`${toEvidentlyJson(asDict(outcome.document))}\n`)
        continue
      }
      context.stdout.write(
        `${toEvidentlyJson({
          window: outcome.window,
          start: outcome.start,
          end_exclusive: outcome.endExclusive,
          current_rows: outcome.currentRows,
          ...(outcome.document === undefined
            ? { error: outcome.error }
            : { as_dict: asDict(outcome.document) }),
        })}\n`,
      )
    } else if (values.html === undefined && outcome.document !== undefined) {
      if (perWindow)
        context.stdout.write(`== window ${outcome.window} (${outcome.currentRows} rows)\n`)
      context.stdout.write(render.text(outcome.document))
    }
  }
  return 0
}

function describeLoad(
  command: string,
  preset: string,
  windows: number,
  mapping: {
    target?: string
    prediction?: string
    numericalFeatures: readonly string[]
    categoricalFeatures: readonly string[]
  },
): string {
  return `driftdesk ${command}: ${preset} on your data, ${windows} window(s); target ${mapping.target ?? '(none)'}, prediction ${mapping.prediction ?? '(none)'}, numerical [${mapping.numericalFeatures.join(', ')}], categorical [${mapping.categoricalFeatures.join(', ')}]\n`
}

function describeReportBriefly(document: ReportDocument): string {
  const lines: string[] = []
  for (const { metric, result } of document.metrics) {
    if (metric === 'DatasetDriftMetric')
      lines.push(
        `Dataset drift: ${String(result.dataset_drift)} (${String(result.number_of_drifted_columns)} of ${String(result.number_of_columns)} columns drifted)`,
      )
    else if (metric === 'DataDriftTable')
      for (const entry of Object.values(
        result.drift_by_columns as Record<string, Record<string, unknown>>,
      ))
        lines.push(
          `  ${String(entry.column_name).padEnd(18)} ${String(entry.stattest_name).padEnd(32)} ${String(entry.drift_score)}  ${entry.drift_detected === true ? 'DRIFT' : 'ok'}`,
        )
    else if (metric === 'RegressionQualityMetric' && result.current !== undefined) {
      const current = result.current as Record<string, number>
      lines.push(
        `Regression: MAE ${current.mean_abs_error}, RMSE ${current.rmse}, ME ${current.mean_error}, R² ${current.r2_score}`,
      )
    } else if (metric === 'DatasetSummaryMetric') {
      const current = result.current as Record<string, number>
      lines.push(`Dataset: ${current.number_of_rows} rows × ${current.number_of_columns} columns`)
    } else if (metric === 'ColumnSummaryMetric') {
      const c = result.current_characteristics as Record<string, unknown> | null
      lines.push(
        `  ${String(result.column_name).padEnd(24)} ${String(result.column_type).padEnd(9)} missing ${String(c?.missing ?? '-')}  unique ${String(c?.unique ?? '-')}`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}

/**
 * Loads own data; a PostgreSQL current source is read from the project's saved connection (`connection`,
 * saved in this home) or else from the driftdesk database (as `backfill` opens it), only while loading.
 */
async function loadOwnDataWithSources(
  context: CliContext,
  values: OwnDataValues,
  request: OwnDataRequest,
): ReturnType<typeof loadOwnData> {
  const source = request.currentPostgres
  if (source === undefined) return loadOwnData(request)
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  let pool: DatabasePool
  let close: () => Promise<void>
  if (source.connection !== undefined) {
    pool = createPool(await readConnection(config.homeDir, source.connection))
    close = () => pool.end()
  } else {
    const { openDatabaseSession } = await import('./database-session')
    const session = await openDatabaseSession(context, config, 'driftdesk report')
    pool = session.database.pool
    close = () => session.close()
  }
  try {
    return await loadOwnData(request, { readPostgres: (spec) => readPostgresBatches(pool, spec) })
  } finally {
    await close()
  }
}

async function clearly<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof ReportRequestError || error instanceof ProjectFileError)
      throw new CliError(error.message, 1)
    if (error instanceof ProjectNotFoundError)
      throw new CliError(
        `No project is named '${error.projectName}'. \`driftdesk project list\` shows the stored ones ` +
          `(check --home / --database-url point at the same database); \`driftdesk project add FILE\` ` +
          `stores one, or pass a project file's path to --project.`,
        1,
      )
    throw error
  }
}
