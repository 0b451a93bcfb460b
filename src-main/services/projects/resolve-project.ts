import { stat } from 'node:fs/promises'
import process from 'node:process'
import { resolve } from 'node:path'
import { findProject } from '../../adapters/postgres/project-repository'
import type { Queryable } from '../../adapters/postgres/pool'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { ProjectFile } from '../../core/project/project-schema'
import { PROJECT_NAME_PATTERN } from '../../core/project/project-schema'
import type { OwnDataRequest } from '../reports/own-data-reports'
import { ProjectFileError, projectRequest, readProjectFile } from './project-file'

/** What `--project NAME|FILE` names: the built-in course, or a learner's project. */
export type ResolvedProject =
  | { readonly kind: 'course'; readonly name: typeof COURSE_PROJECT }
  | {
      readonly kind: 'own'
      readonly name: string
      readonly definition: ProjectFile
      /** The data it describes, paths made absolute. */
      readonly request: OwnDataRequest
      /** The file it was read from, or 'store' for a project saved with `project add`. */
      readonly origin: string
    }

/**
 * Resolves `--project`: an existing file is a project file (YAML or JSON); `nyc-taxi` is the built-in
 * course; any other name is looked up among the stored projects, opening the database only then.
 * @throws {ProjectFileError} when the file is invalid, or when a bare name is both a file here and a
 * stored project (ambiguous: `./NAME` chooses the file).
 * @throws {ProjectNotFoundError} when no file and no stored project has that name.
 * @param baseDir the folder a relative file name is looked up in: the CLI passes the folder the user
 * typed the command in (npm's `INIT_CWD`), which `npm run` does not make the working directory.
 */
export async function resolveProject(
  reference: string,
  openStore: () => Promise<Queryable>,
  baseDir: string = process.cwd(),
): Promise<ResolvedProject> {
  const path = resolve(baseDir, reference)
  if (await isFile(path)) {
    // A bare name that is also a valid project name (`shop`, no folder, no .yaml) may mean a stored
    // project too: only then is the store asked, and both existing is refused rather than guessed.
    if (
      reference !== COURSE_PROJECT &&
      new RegExp(PROJECT_NAME_PATTERN).test(reference) &&
      (await findProject(await openStore(), reference)) !== undefined
    )
      throw new ProjectFileError(
        `'${reference}' is ambiguous: it is both the file ${path} and a stored project. ` +
          `Write ./${reference} to use the file; to use the stored project, rename or move the file ` +
          `(or work from another folder).`,
      )
    const definition = await readProjectFile(path)
    if (definition.name === COURSE_PROJECT) throw reservedName(path)
    return {
      kind: 'own',
      name: definition.name,
      definition,
      request: projectRequest(definition, path),
      origin: path,
    }
  }
  if (reference === COURSE_PROJECT) return { kind: 'course', name: COURSE_PROJECT }
  if (/[\\/]|\.(ya?ml|json)$/i.test(reference))
    throw new ProjectFileError(`The project file ${path} does not exist.`)
  const stored = await findProject(await openStore(), reference)
  if (stored === undefined) throw new ProjectNotFoundError(reference)
  return {
    kind: 'own',
    name: reference,
    definition: stored.definition,
    // Stored definitions hold absolute paths (project add resolves them), so the base is unused.
    request: projectRequest(stored.definition, resolve(baseDir, 'project.yaml')),
    origin: 'store',
  }
}

/**
 * No stored project has the name (and no file has it either). Typed, with the name, so each front door
 * words its own advice (the CLI names `project list` and `project add`, a panel its own controls).
 */
export class ProjectNotFoundError extends Error {
  constructor(readonly projectName: string) {
    super(`No project is named '${projectName}'.`)
    this.name = 'ProjectNotFoundError'
  }
}

/** The error for a project file that takes the built-in project's name. */
export function reservedName(source: string): ProjectFileError {
  return new ProjectFileError(
    `${source}: the name '${COURSE_PROJECT}' is the built-in course project; give yours another name.`,
  )
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
