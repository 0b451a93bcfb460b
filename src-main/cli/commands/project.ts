import { access, writeFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path'
import { stringify } from 'yaml'
import { SourceReadError } from '../../adapters/sources/source-read-error'
import { readSourceFrame } from '../../adapters/sources/table-source'
import type { Frame } from '../../core/data/frame'
import { withoutColumn } from '../../core/data/windows'
import { inferColumnMapping } from '../../core/reports/column-mapping'
import type { ProjectFile } from '../../core/project/project-schema'
import { validateProjectFile } from '../../services/projects/project-file'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { parseCommandOptions } from '../parse-command-options'

export const summary = 'Your own model: `project init` reads your data and writes a project file'

const HELP = `Usage: npm run driftdesk -- project init --reference PATH [--current PATH] [--name NAME]
         [--datetime COL] [--window 1d] [--output FILE] [--force]

Reads the reference data (and the current data, when given), proposes a column mapping the way Evidently 0.4
infers one (every integer/float column numerical, text and booleans categorical; target and prediction only
when named so), shows the type of each column, and writes a project file you can edit and keep in your
repository. Then: \`report --project FILE\` and \`test-suite --project FILE\`.
  --reference PATH / --current PATH  a .parquet, .csv or .jsonl file or a folder (current defaults to the reference)
  --name NAME                        the project's name (default: the reference file's name)
  --datetime COL                     the timestamp column that cuts windows (default: the first timestamp
                                     column of the current data, if any)
  --window EVERY                     1h, 1d, 7d, 1w, month, rows:N (default 1d when there is a timestamp column)
  --output FILE                      where to write (default driftdesk-project.yaml); --force to overwrite
`

/** `driftdesk project init`. */
export async function run(context: CliContext): Promise<number> {
  const [subcommand, ...rest] = context.args
  if (subcommand === undefined || subcommand === '--help' || subcommand === 'help') {
    context.stdout.write(HELP)
    return subcommand === undefined ? 2 : 0
  }
  if (subcommand !== 'init')
    throw new CliError(
      `Unknown project command '${subcommand}'; this version has \`project init\` (stored projects come later).\n\n${HELP}`,
      2,
    )
  const parsed = parseCommandOptions({ ...context, args: rest }, HELP, {
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
    throw new CliError(`project init needs --reference PATH.\n\n${HELP}`, 2)
  const output = resolve(values.output ?? 'driftdesk-project.yaml')
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
