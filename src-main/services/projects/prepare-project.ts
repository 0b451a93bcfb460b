import { isAbsolute, resolve } from 'node:path'
import type { SourceFile } from '../../adapters/sources/table-source'
import { listSourceFiles, readSourceBatches } from '../../adapters/sources/table-source'
import { SourceReadError } from '../../adapters/sources/source-read-error'
import type { ProjectFile } from '../../core/project/project-schema'
import { COURSE_PROJECT } from '../../core/project/course-project'
import { ProjectFileError, readProjectFile } from './project-file'
import { reservedName } from './resolve-project'

/** A column the project's mapping (or window) names, and the field that names it. */
interface MappedColumn {
  readonly field: string
  readonly column: string
  /** The window column cuts the current data only; the reference need not have it. */
  readonly currentOnly: boolean
}

/**
 * Reads a project file for storing (`project add`): validated against the schema, its paths made
 * absolute (so the stored definition works from any folder and `project show` can write it back),
 * every source file present, and every column its mapping and window name present in every
 * reference and current file. Only each file's first batch is read (a Parquet row group, a CSV
 * chunk): enough to see the columns without reading the data.
 * @throws {ProjectFileError} naming the file, the field and the column at fault.
 */
export async function prepareProjectFile(path: string): Promise<ProjectFile> {
  const file = resolve(path)
  const definition = await readProjectFile(file)
  if (definition.name === COURSE_PROJECT) throw reservedName(file)
  const base = resolve(file, '..')
  const absolute = (value: string | string[]): string | string[] =>
    Array.isArray(value)
      ? value.map((p) => (isAbsolute(p) ? p : resolve(base, p)))
      : isAbsolute(value)
        ? value
        : resolve(base, value)
  const project: ProjectFile = {
    ...definition,
    reference: absolute(definition.reference),
    // A PostgreSQL table or query is kept as it is: its columns are checked when it is read.
    current:
      typeof definition.current === 'object' && !Array.isArray(definition.current)
        ? definition.current
        : absolute(definition.current),
  }
  const columns = mappedColumns(project)
  const problems: string[] = []
  for (const side of ['reference', 'current'] as const) {
    const value = project[side]
    if (typeof value === 'object' && !Array.isArray(value)) continue
    const paths = ([] as string[]).concat(value)
    let files: SourceFile[]
    try {
      files = await listSourceFiles(paths)
    } catch (error) {
      if (error instanceof SourceReadError)
        throw new ProjectFileError(
          `${file}: its ${side} data cannot be used: ${error.message} Fix '${side}' in the project file (paths are relative to the file's folder).`,
        )
      throw error
    }
    for (const source of files) {
      const names = await firstBatchColumns(source, side, file)
      for (const { field, column, currentOnly } of columns) {
        if (currentOnly && side === 'reference') continue
        if (!names.includes(column))
          problems.push(
            `${field} names the column '${column}', but ${source.path} (${side} data) has no such column; it has ${names.join(', ')}`,
          )
      }
    }
  }
  if (problems.length > 0)
    throw new ProjectFileError(
      `${file}: its mapping names columns the data lacks:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the column names in the project file (they are case-sensitive) or the data.`,
    )
  return project
}

function mappedColumns(project: ProjectFile): MappedColumn[] {
  const mapping = project.mapping ?? {}
  const columns: MappedColumn[] = []
  const add = (field: string, column: string | undefined, currentOnly = false): void => {
    if (column !== undefined) columns.push({ field, column, currentOnly })
  }
  add('mapping.target', mapping.target)
  add('mapping.prediction', mapping.prediction)
  add('mapping.id', mapping.id)
  mapping.numerical_features?.forEach((column, index) =>
    add(`mapping.numerical_features[${index}]`, column),
  )
  mapping.categorical_features?.forEach((column, index) =>
    add(`mapping.categorical_features[${index}]`, column),
  )
  add('window.column', project.window?.column, true)
  return columns
}

/** The column names of a file's first batch, without reading the rest of the file. */
async function firstBatchColumns(
  source: SourceFile,
  side: string,
  projectPath: string,
): Promise<string[]> {
  const batches = readSourceBatches([source])
  try {
    const first = await batches.next()
    if (first.done === true)
      throw new ProjectFileError(
        `${projectPath}: ${source.path} (${side} data) holds no rows, so its columns cannot be checked; give a file with data.`,
      )
    return [...first.value.frame.names]
  } catch (error) {
    if (error instanceof SourceReadError)
      throw new ProjectFileError(`${projectPath}: the ${side} data: ${error.message}`)
    throw error
  } finally {
    // Stops the reader after one batch (closes the file).
    await batches.return(undefined)
  }
}
