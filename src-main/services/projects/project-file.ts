import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { ErrorObject } from 'ajv'
import { Ajv } from 'ajv'
import { parse as parseYaml } from 'yaml'
import type { ProjectFile } from '../../core/project/project-schema'
import { ProjectFileSchema } from '../../core/project/project-schema'
import { correlationColumnsProblem } from '../../core/quality/window-column-metric'
import type { OwnDataRequest } from '../reports/own-data-reports'

/** A project file that cannot be used; the message names the file, the field and what is expected. */
export class ProjectFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProjectFileError'
  }
}

// verbose: errors carry their schema, so a message can quote the field's description.
const ajv = new Ajv({ allErrors: true, strict: true, verbose: true })
const validate = ajv.compile<ProjectFile>(ProjectFileSchema)

/**
 * Checks parsed project content against the schema; every problem is listed with its field
 * (`mapping.numerical_features[1]`) and what was expected.
 * @throws {ProjectFileError}
 */
export function validateProjectFile(content: unknown, source: string): ProjectFile {
  if (validate(content)) {
    const problems = (content.metrics ?? []).flatMap((entry, i) => {
      if (entry.metric !== 'correlation') return []
      const problem = correlationColumnsProblem(entry.column, entry.with)
      return problem === undefined ? [] : [`field 'metrics[${i}]': ${problem}`]
    })
    if (problems.length === 0) return content
    throw new ProjectFileError(
      `${source} is not a valid driftdesk project:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
  }
  const problems = (validate.errors ?? []).map(describeProblem)
  throw new ProjectFileError(
    `${source} is not a valid driftdesk project:\n${[...new Set(problems)].map((p) => `  - ${p}`).join('\n')}`,
  )
}

function describeProblem(error: ErrorObject): string {
  const field = fieldName(error.instancePath)
  const where = field === '' ? 'the file' : `field '${field}'`
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty
      const full = field === '' ? extra : `${field}.${extra}`
      return `unknown field '${full}' (check its spelling; the fields are listed in docs/own-data.md)`
    }
    case 'required':
      return `${where} needs '${(error.params as { missingProperty: string }).missingProperty}'`
    case 'type':
      return `${where} must be ${article((error.params as { type: string }).type)}`
    case 'pattern':
    case 'minLength':
    case 'maxLength':
      return `${where} ${error.message ?? 'is malformed'}${describeSchema(error)}`
    default:
      return `${where} ${error.message ?? 'is invalid'}${describeSchema(error)}`
  }
}

function describeSchema(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: string } | undefined)?.description
  return description === undefined ? '' : ` (${description})`
}

function article(type: string): string {
  return type === 'array' || type === 'object' || type === 'integer' ? `an ${type}` : `a ${type}`
}

/** `/mapping/numerical_features/1` → `mapping.numerical_features[1]`. */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (name, part) =>
        /^\d+$/.test(part) ? `${name}[${part}]` : name === '' ? part : `${name}.${part}`,
      '',
    )
}

/**
 * Reads a project file (YAML, or JSON, which YAML also parses) and validates it.
 * @throws {ProjectFileError} when it is missing, not YAML/JSON, or fails the schema.
 */
export async function readProjectFile(path: string): Promise<ProjectFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new ProjectFileError(`The project file ${path} does not exist.`)
  }
  let content: unknown
  try {
    content = parseYaml(text)
  } catch (error) {
    throw new ProjectFileError(`${path} is not valid YAML or JSON: ${(error as Error).message}`)
  }
  return validateProjectFile(content, path)
}

/** The own-data request a project describes; its paths are relative to the project file's folder. */
export function projectRequest(project: ProjectFile, projectPath: string): OwnDataRequest {
  const base = dirname(projectPath)
  const paths = (value: string | string[]): string[] =>
    (Array.isArray(value) ? value : [value]).map((p) => (isAbsolute(p) ? p : resolve(base, p)))
  const mapping = project.mapping ?? {}
  return {
    reference: paths(project.reference),
    ...(typeof project.current === 'object' && !Array.isArray(project.current)
      ? {
          current: [],
          currentPostgres: {
            ...project.current.postgres,
            ...(project.current.connection === undefined
              ? {}
              : { connection: project.current.connection }),
          },
        }
      : { current: paths(project.current) }),
    mapping: {
      ...(mapping.target === undefined ? {} : { target: mapping.target }),
      ...(mapping.prediction === undefined ? {} : { prediction: mapping.prediction }),
      ...(mapping.id === undefined ? {} : { id: mapping.id }),
      ...(mapping.numerical_features === undefined
        ? {}
        : { numericalFeatures: mapping.numerical_features }),
      ...(mapping.categorical_features === undefined
        ? {}
        : { categoricalFeatures: mapping.categorical_features }),
      ...(mapping.task === undefined ? {} : { task: mapping.task }),
    },
    ...(project.window?.column === undefined ? {} : { windowColumn: project.window.column }),
    ...(project.window?.every === undefined ? {} : { window: project.window.every }),
  }
}
