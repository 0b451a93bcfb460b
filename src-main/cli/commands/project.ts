import { access, writeFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path'
import { stringify } from 'yaml'
import type { DatabasePool } from '../../adapters/postgres/pool'
import { withTransaction } from '../../adapters/postgres/pool'
import {
  countProjectRows,
  countStoredWindows,
  findProject,
  insertNewProject,
  listProjects,
  removeProject,
  saveProject,
} from '../../adapters/postgres/project-repository'
import type { ProjectRowCounts } from '../../adapters/postgres/project-repository'
import { SourceReadError } from '../../adapters/sources/source-read-error'
import { readSourceFrame } from '../../adapters/sources/table-source'
import { loadConfig } from '../../config/app-config'
import type { Frame } from '../../core/data/frame'
import { withoutColumn } from '../../core/data/windows'
import {
  CATEGORICAL_FEATURES,
  NUMERICAL_FEATURES,
  PICKUP_COLUMN,
  PREDICTION_COLUMN,
  TARGET_COLUMN,
} from '../../core/pipeline/course-columns'
import { COURSE_PROJECT } from '../../core/project/course-project'
import { inferColumnMapping } from '../../core/reports/column-mapping'
import type { ProjectFile } from '../../core/project/project-schema'
import { prepareProjectFile } from '../../services/projects/prepare-project'
import { ProjectFileError, validateProjectFile } from '../../services/projects/project-file'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { openDatabaseSession, toCliError } from '../database-session'
import { OutputFile } from '../output-file'
import { parseCommandOptions } from '../parse-command-options'
import { userPath } from '../user-path'

export const summary =
  'Your own model: `project init` writes a project file; `project add|list|show|remove` manage stored projects'

const INIT_HELP = `Usage: npm run driftdesk -- project init --reference PATH [--current PATH] [--name NAME]
         [--datetime COL] [--window 1d] [--output FILE] [--force]

Reads the reference data (and the current data, when given), proposes a column mapping the way Evidently 0.4
infers one (every integer/float column numerical, text and booleans categorical; target and prediction only
when named so), shows the type of each column, and writes a project file you can edit and keep in your
repository. Then: \`report --project FILE\` and \`test-suite --project FILE\`, or \`project add FILE\` to store it.
  --reference PATH / --current PATH  a .parquet, .csv or .jsonl file or a folder (current defaults to the reference)
  --name NAME                        the project's name (default: the reference file's name)
  --datetime COL                     the timestamp column that cuts windows (default: the first timestamp
                                     column of the current data, if any)
  --window EVERY                     1h, 1d, 7d, 1w, month, rows:N (default 1d when there is a timestamp column)
  --output FILE                      where to write (default driftdesk-project.yaml); --force to overwrite
`

const HELP = `Usage: npm run driftdesk -- project init --reference PATH [options]   write a project file from your data
       npm run driftdesk -- project add FILE [--replace]                 store a project file's project
       npm run driftdesk -- project list [--json]                        the built-in nyc-taxi and stored projects
       npm run driftdesk -- project show NAME [--json] [--output FILE]   a project's definition (YAML, or JSON)
       npm run driftdesk -- project remove NAME [--with-metrics]         forget a stored project
Common options: --home DIR, --database-url URL (as for backfill).

A project is your model's data: a reference, the current data, a column mapping and how the current data is
cut into windows (see \`project init --help\` and docs/projects.md). \`project add\` checks the file, makes its paths
absolute, checks that every mapped column is in every reference and current file, and stores it under its
name; then \`report --project NAME\` and \`test-suite --project NAME\` use it. The name nyc-taxi is the
built-in course project and cannot be added or removed. \`project show NAME --output project.yaml\` writes a
stored project back as a file for your repository (to redirect stdout instead, use \`npm run -s driftdesk --\`:
without -s, npm prints its own banner into the file). \`remove\` keeps the project's stored windows unless
--with-metrics is given.
`

const STORE_OPTIONS = {
  json: { type: 'boolean' },
  replace: { type: 'boolean' },
  'with-metrics': { type: 'boolean' },
  output: { type: 'string' },
  home: { type: 'string' },
  'database-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `driftdesk project init|add|list|show|remove`. */
export async function run(context: CliContext): Promise<number> {
  const [subcommand, ...rest] = context.args
  if (subcommand === undefined || subcommand === '--help' || subcommand === 'help') {
    context.stdout.write(HELP)
    return subcommand === undefined ? 2 : 0
  }
  if (subcommand === 'init') return runInit(context, rest)
  if (!['add', 'list', 'show', 'remove'].includes(subcommand))
    throw new CliError(
      `Unknown project command '${subcommand}'; the commands are init, add, list, show and remove.\n\n${HELP}`,
      2,
    )
  const parsed = parseCommandOptions({ ...context, args: rest }, HELP, {
    options: STORE_OPTIONS,
    strict: true,
    allowPositionals: true,
  })
  if (parsed === null) return 0
  const { values, positionals } = parsed
  const allowed: Record<string, readonly string[]> = {
    add: ['replace'],
    list: ['json'],
    show: ['json', 'output'],
    remove: ['with-metrics'],
  }
  for (const flag of ['json', 'replace', 'with-metrics', 'output'] as const)
    if (values[flag] !== undefined && !(allowed[subcommand] ?? []).includes(flag))
      throw new CliError(`project ${subcommand} does not take --${flag}.\n\n${HELP}`, 2)
  const expected = subcommand === 'list' ? 0 : 1
  if (positionals.length !== expected)
    throw new CliError(
      expected === 0
        ? `project list takes no argument; got '${positionals.join(' ')}'.\n\n${HELP}`
        : `project ${subcommand} needs one ${subcommand === 'add' ? 'FILE' : 'NAME'}${positionals.length > 1 ? ` (got ${positionals.length})` : ''}.\n\n${HELP}`,
      2,
    )
  const argument = positionals[0] as string
  if (subcommand === 'remove' && argument === COURSE_PROJECT)
    throw new CliError(
      `${COURSE_PROJECT} is the built-in course project; it cannot be removed. Its stored days stay until a backfill replaces them.`,
      2,
    )
  if (subcommand === 'show' && argument === COURSE_PROJECT) {
    if (values.output !== undefined)
      throw new CliError(
        `${COURSE_PROJECT} is the built-in course project, not a project file, so there is nothing to write to ${values.output}; \`project show ${COURSE_PROJECT}\` prints what it is.`,
        2,
      )
    context.stdout.write(describeCourse(values.json === true))
    return 0
  }
  // Checked before the database opens: a path that cannot be written is said at once.
  const output = values.output === undefined ? null : new OutputFile(values.output, '--output')
  await output?.checkWritable()
  // Checked before the database opens: a bad file is said at once, without starting PostgreSQL.
  const prepared =
    subcommand === 'add'
      ? await clearly(() => prepareProjectFile(userPath(context.env, argument)))
      : null
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  const session = await openDatabaseSession(context, config, `driftdesk project ${subcommand}`)
  try {
    const db = session.database.pool
    if (prepared !== null) return await add(context, db, prepared, values.replace === true)
    if (subcommand === 'list') return await list(context, db, values.json === true)
    if (subcommand === 'show')
      return await show(context, db, argument, values.json === true, output)
    return await remove(context, db, argument, values['with-metrics'] === true)
  } catch (error) {
    throw toCliError(error)
  } finally {
    await session.close()
  }
}

async function add(
  context: CliContext,
  db: DatabasePool,
  project: ProjectFile,
  replace: boolean,
): Promise<number> {
  // Without --replace, one atomic insert: SELECT ... FOR UPDATE locks no row that does not exist yet,
  // so two concurrent adds of one new name would both have said "Stored".
  if (!replace && !(await insertNewProject(db, project)))
    throw new CliError(
      `A project named '${project.name}' is already stored; pass --replace to replace its definition (its stored windows are kept), or rename the project in the file. \`driftdesk project show ${project.name}\` prints the stored one.`,
      1,
    )
  const replaced =
    replace &&
    (await withTransaction(db, async (client) => {
      const existing = await client.query('SELECT 1 FROM projects WHERE name = $1 FOR UPDATE', [
        project.name,
      ])
      await saveProject(client, project)
      return (existing.rowCount ?? 0) > 0
    }))
  context.stderr.write(
    `${replaced ? 'Replaced' : 'Stored'} project '${project.name}' (reference ${describePaths(project.reference)}, current ${describePaths(project.current)}${project.window === undefined ? '' : `, window ${describeWindow(project.window)}`}).\n` +
      `Next: npm run driftdesk -- report --project ${project.name}\n`,
  )
  return 0
}

async function list(context: CliContext, db: DatabasePool, json: boolean): Promise<number> {
  const [projects, counts] = await Promise.all([listProjects(db), countStoredWindows(db)])
  const stored = new Map(counts.map((count) => [count.project, count]))
  const windows = (name: string): { batch: number; live: number } => ({
    batch: stored.get(name)?.batch ?? 0,
    live: stored.get(name)?.live ?? 0,
  })
  const rows = [
    {
      name: COURSE_PROJECT,
      built_in: true,
      reference: COURSE_REFERENCE,
      current: COURSE_CURRENT,
      window: { column: PICKUP_COLUMN, every: '1d' },
      stored_windows: windows(COURSE_PROJECT),
    },
    ...projects.map(({ definition, createdAt, updatedAt }) => ({
      name: definition.name,
      built_in: false,
      reference: definition.reference,
      current: definition.current,
      window: definition.window ?? null,
      stored_windows: windows(definition.name),
      created_at: createdAt,
      updated_at: updatedAt,
    })),
  ]
  for (const row of rows) {
    if (json) {
      context.stdout.write(`${JSON.stringify(row)}\n`)
      continue
    }
    const count = row.stored_windows
    context.stdout.write(
      [
        `${row.name}${row.built_in ? "  (built-in: the course's NYC green-taxi trip-duration model)" : ''}`,
        `  reference  ${describePaths(row.reference)}`,
        `  current    ${describePaths(row.current)}`,
        `  window     ${row.window === null ? 'all rows (one window)' : describeWindow(row.window)}`,
        `  stored     ${count.batch} batch window(s)${count.live > 0 ? `, ${count.live} live` : ''}`,
      ].join('\n') + '\n',
    )
  }
  if (!json && projects.length === 0)
    context.stderr.write(
      'No project of your own is stored yet: `project init` writes a project file, `project add FILE` stores it.\n',
    )
  return 0
}

async function show(
  context: CliContext,
  db: DatabasePool,
  name: string,
  json: boolean,
  output: OutputFile | null,
): Promise<number> {
  const stored = await findProject(db, name)
  if (stored === undefined) throw notStored(name)
  const content = json
    ? `${JSON.stringify(stored.definition, null, 2)}\n`
    : `# driftdesk project '${name}', stored ${stored.updatedAt}. Save it as a file: project show ${name} --output ${name}.yaml\n${stringify(stored.definition)}`
  if (output === null) {
    context.stdout.write(content)
    return 0
  }
  const path = await output.write(content)
  context.stderr.write(
    `Wrote project '${name}' to ${path}; \`report --project ${path}\` reads it as it is.\n`,
  )
  return 0
}

async function remove(
  context: CliContext,
  db: DatabasePool,
  name: string,
  withMetrics: boolean,
): Promise<number> {
  const outcome = await withTransaction(db, async (client) => {
    const counts = await countProjectRows(client, name)
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0)
    const existed = (await findProject(client, name)) !== undefined
    if (!existed && !(withMetrics && total > 0)) return { existed, counts, total, removed: null }
    return { existed, counts, total, removed: await removeProject(client, name, withMetrics) }
  })
  const windows = outcome.counts.daily_metrics ?? 0
  if (outcome.removed === null) {
    if (outcome.total > 0)
      throw new CliError(
        `No project named '${name}' is stored, but rows are stored under that name (${describeRows(outcome.counts)}; from a backfill of a project file or a prediction service); pass --with-metrics to remove them.`,
        1,
      )
    throw notStored(name)
  }
  const what = outcome.existed
    ? `Removed project '${name}'`
    : `No definition of '${name}' was stored`
  const removed = outcome.removed.removedRows
  context.stderr.write(
    withMetrics
      ? `${what}; removed its ${removed.daily_metrics ?? 0} stored window(s) and every row stored under the name: ${describeRows(removed)} (${Object.values(removed).reduce((sum, n) => sum + n, 0)} rows in all).\n`
      : `${what}; its ${windows} stored window(s) remain (${describeRows(outcome.counts)}; Grafana still shows them; \`project remove ${name} --with-metrics\` removes them).\n`,
  )
  return 0
}

/** `daily_metrics 2, column_drift 0, …`: rows per per-project table. */
function describeRows(counts: ProjectRowCounts): string {
  return Object.entries(counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ')
}

function notStored(name: string): CliError {
  return new CliError(
    `No project named '${name}' is stored; \`driftdesk project list\` shows the stored ones (check --home / --database-url point at the same database).`,
    1,
  )
}

/** What the built-in course project is, as the learner's projects are shown (not a project file). */
const COURSE_REFERENCE =
  "the reference month's green-taxi trips (default January 2022) after the first 30,000 rows the model trains on (the course notebook's reference.parquet)"
const COURSE_CURRENT =
  'the green-taxi trips of the month given with --month / --date (TLC files; `driftdesk fetch`)'

function describeCourse(json: boolean): string {
  const course = {
    name: COURSE_PROJECT,
    built_in: true,
    description:
      "DataTalksClub mlops-zoomcamp module 05: the NYC green-taxi trip-duration model (driftdesk trains it, a linear regression as in the course's notebook) monitored day by day.",
    reference: COURSE_REFERENCE,
    current: COURSE_CURRENT,
    mapping: {
      target: TARGET_COLUMN,
      prediction: PREDICTION_COLUMN,
      numerical_features: [...NUMERICAL_FEATURES],
      categorical_features: [...CATEGORICAL_FEATURES],
    },
    window: { column: PICKUP_COLUMN, every: '1d' },
    flags: '--month YYYY-MM, --date YYYY-MM-DD, --reference-month YYYY-MM',
  }
  if (json) return `${JSON.stringify(course, null, 2)}\n`
  return `# nyc-taxi is driftdesk's built-in course project, not a project file: its model is trained by
# driftdesk and its data are the TLC trip files, so it takes --month/--date/--reference-month instead.
# The course's drift report maps no target (drift never looks at duration_min); quality and regression do.
${stringify(course)}`
}

function describePaths(value: ProjectFile['current']): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.join(', ')
  const source = value as Exclude<ProjectFile['current'], string | string[]>
  const what = 'table' in source.postgres ? `table ${source.postgres.table}` : 'a read-only query'
  return `PostgreSQL ${what}${source.connection === undefined ? '' : ` (connection ${source.connection})`}`
}

function describeWindow(window: { column?: string; every: string }): string {
  return `${window.every}${window.column === undefined ? '' : ` by ${window.column}`}`
}

async function clearly<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof ProjectFileError) throw new CliError(error.message, 1)
    throw error
  }
}

/** `driftdesk project init`. */
async function runInit(context: CliContext, rest: readonly string[]): Promise<number> {
  const parsed = parseCommandOptions({ ...context, args: rest }, INIT_HELP, {
    options: {
      reference: { type: 'string', multiple: true },
      current: { type: 'string', multiple: true },
      name: { type: 'string' },
      datetime: { type: 'string' },
      window: { type: 'string' },
      output: { type: 'string' },
      force: { type: 'boolean' },
      home: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const values = parsed.values
  if (values.reference === undefined)
    throw new CliError(`project init needs --reference PATH.\n\n${INIT_HELP}`, 2)
  const output = values.output ?? userPath(context.env, 'driftdesk-project.yaml')
  if (values.force !== true && (await exists(output)))
    throw new CliError(
      `${output} already exists; pass --force to overwrite it or --output another file.`,
      1,
    )
  const reference = await read(values.reference, 'reference')
  const current = values.current === undefined ? reference : await read(values.current, 'current')
  const windowColumn =
    values.datetime ?? current.names.find((name) => current.columns[name]?.kind === 'timestamp_us')
  if (windowColumn !== undefined && !current.names.includes(windowColumn))
    throw new CliError(
      `--datetime ${windowColumn}: the current data has no such column; it has ${current.names.join(', ')}.`,
      1,
    )
  const strip = (frame: Frame): Frame =>
    windowColumn === undefined ? frame : withoutColumn(frame, windowColumn)
  let mapping
  try {
    mapping = inferColumnMapping(strip(reference), strip(current))
  } catch (error) {
    throw new CliError((error as Error).message, 1)
  }
  const relativeTo = (paths: string[]): string | string[] => {
    const list = paths.map((p) => {
      const r = relative(dirname(output), resolve(p))
      return isAbsolute(r) ? r : r.startsWith('.') ? r : `./${r}`
    })
    return list.length === 1 ? (list[0] as string) : list
  }
  const project: ProjectFile = {
    name: values.name ?? safeName(basename(values.reference[0] as string)),
    reference: relativeTo(values.reference),
    current: relativeTo(values.current ?? values.reference),
    mapping: {
      ...(mapping.target === undefined ? {} : { target: mapping.target }),
      ...(mapping.prediction === undefined ? {} : { prediction: mapping.prediction }),
      numerical_features: [...mapping.numericalFeatures],
      categorical_features: [...mapping.categoricalFeatures],
    },
    ...(windowColumn === undefined
      ? {}
      : { window: { column: windowColumn, every: values.window ?? '1d' } }),
  }
  validateProjectFile(project, '--name/--window')
  const header = [
    '# driftdesk project: your model, your data.',
    '# The mapping below is what Evidently 0.4 would infer; edit it (a numeric code that names a',
    '# category belongs in categorical_features). Fields: docs in README (Your own model).',
  ].join('\n')
  await writeFile(output, `${header}\n${stringify(project)}`)
  context.stderr.write(describeColumns(strip(current), mapping, windowColumn))
  context.stderr.write(`Wrote ${output}\n`)
  return 0
}

function describeColumns(
  frame: Frame,
  mapping: ReturnType<typeof inferColumnMapping>,
  windowColumn: string | undefined,
): string {
  const lines = ['Column                     stored as      role']
  if (windowColumn !== undefined)
    lines.push(`${windowColumn.padEnd(26)} timestamp      window column (not a feature)`)
  for (const name of frame.names) {
    const role =
      name === mapping.target
        ? `target (${mapping.task ?? 'regression'})`
        : name === mapping.prediction
          ? 'prediction'
          : mapping.numericalFeatures.includes(name)
            ? 'numerical feature'
            : mapping.categoricalFeatures.includes(name)
              ? 'categorical feature'
              : 'not monitored'
    lines.push(`${name.padEnd(26)} ${String(frame.columns[name]?.kind).padEnd(14)} ${role}`)
  }
  return `${lines.join('\n')}\n`
}

async function read(paths: string[], side: string): Promise<Frame> {
  try {
    return await readSourceFrame(paths)
  } catch (error) {
    if (error instanceof SourceReadError)
      throw new CliError(`The ${side} data: ${error.message}`, 1)
    throw error
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

function safeName(file: string): string {
  const stem = file
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
  return stem === '' ? 'my-model' : stem.slice(0, 64)
}
