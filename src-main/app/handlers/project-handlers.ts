import { resolve } from 'node:path'
import { withTransaction } from '../../adapters/postgres/pool'
import type { StoredProject } from '../../adapters/postgres/project-repository'
import {
  findProject,
  listProjects,
  removeProject,
  saveProject,
} from '../../adapters/postgres/project-repository'
import type { ReportWorkerPool } from '../../adapters/worker/report-worker-pool'
import type { AppConfig } from '../../config/app-config'
import { COURSE_PROJECT } from '../../core/project/course-project'
import { projectRequest } from '../../services/projects/project-file'
import type { ProjectTask } from '../../services/projects/project-reports'
import { projectDriftOptions } from '../../services/projects/project-reports'
import type { ProjectSummary } from '../../shared/domain/projects'
import { AppError } from '../../shared/errors'
import type { DatabaseConnection } from '../database-connection'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

export interface ProjectHandlerDeps {
  readonly config: () => AppConfig
  readonly connection: DatabaseConnection
  /**
   * The report thread: a draft's files are read and checked there, and a project's windows cut, off the
   * thread that serves the panel (a Parquet file's first row group can be large).
   */
  readonly reports: ReportWorkerPool
  /** Electron's file dialog (several files or one folder); browser mode has none. */
  readonly chooseFiles?: (side: 'reference' | 'current') => Promise<readonly string[] | null>
}

const COURSE_SUMMARY: ProjectSummary = {
  name: COURSE_PROJECT,
  builtIn: true,
  definition: null,
  updatedAt: null,
}

function summaryOf(stored: StoredProject): ProjectSummary {
  return {
    name: stored.definition.name,
    builtIn: false,
    definition: stored.definition,
    updatedAt: stored.updatedAt,
  }
}

/**
 * The report thread's view of a stored project: its data request and drift options. Stored definitions
 * hold absolute paths (the panel and `project add` both store them so).
 * @throws {AppError} INVALID_REQUEST when no project has that name.
 */
export async function loadProjectTask(
  connection: DatabaseConnection,
  name: string,
): Promise<ProjectTask> {
  const { database } = await connection.get()
  const stored = await findProject(database.pool, name)
  if (stored === undefined)
    throw new AppError(
      'INVALID_REQUEST',
      `No project is named '${name}' any more: pick another in the project list.`,
    )
  return {
    name,
    request: projectRequest(stored.definition, resolve('/', 'project.yaml')),
    drift: projectDriftOptions(stored.definition),
  }
}

/**
 * The panel's projects (issue #11): the picker's list, a new project's files read and its mapping
 * proposed, the draft checked and stored, a project removed, and a project's windows. Every request is
 * checked twice: its shape by the contract's guard, its content here against the project schema and
 * the files themselves; problems the learner can fix come back per field, not as a thrown error.
 */
export function createProjectHandlers(
  deps: ProjectHandlerDeps,
): ChannelHandlers<ChannelsOf<'project'>> {
  return {
    async 'project:list'() {
      const { database } = await deps.connection.get()
      const stored = await listProjects(database.pool)
      return { projects: [COURSE_SUMMARY, ...stored.map(summaryOf)] }
    },

    async 'project:inspect-files'({ reference, current }) {
      return deps.reports.inspectFiles(deps.config(), {
        kind: 'inspect-files',
        reference,
        current,
      })
    },

    async 'project:choose-files'({ side }) {
      if (deps.chooseFiles === undefined)
        throw new AppError(
          'NOT_AVAILABLE',
          'Type the path: the browser cannot open a file dialog on the machine driftdesk runs on.',
        )
      const paths = await deps.chooseFiles(side)
      return paths === null || paths.length === 0 ? null : { paths }
    },

    async 'project:save'({ definition, replace }) {
      const checked = await deps.reports.checkDraft(deps.config(), {
        kind: 'check-draft',
        draft: definition,
      })
      if (!checked.ok) return { ok: false, problems: checked.problems }
      const { database } = await deps.connection.get()
      const name = checked.definition.name
      // Checked and written in one transaction, so two tabs saving one name cannot both "create" it.
      const outcome = await withTransaction(database.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`project:${name}`])
        if (replace !== true && (await findProject(client, name)) !== undefined) return 'exists'
        await saveProject(client, checked.definition)
        return 'saved'
      })
      if (outcome === 'exists')
        return {
          ok: false,
          problems: [
            {
              field: 'name',
              message: `A project named '${name}' already exists: choose another name, or tick “Replace it”.`,
            },
          ],
        }
      const stored = await findProject(database.pool, name)
      if (stored === undefined)
        throw new AppError('INTERNAL', `The project '${name}' was saved but cannot be read back.`)
      return { ok: true, project: summaryOf(stored) }
    },

    async 'project:remove'({ name, withMetrics }) {
      if (name === COURSE_PROJECT)
        throw new AppError(
          'INVALID_REQUEST',
          `'${COURSE_PROJECT}' is the built-in course project; it cannot be removed.`,
        )
      const { database } = await deps.connection.get()
      const removed = await withTransaction(database.pool, (client) =>
        removeProject(client, name, withMetrics === true),
      )
      return { removed: removed.existed }
    },

    async 'project:windows'({ name }) {
      if (name === COURSE_PROJECT)
        throw new AppError(
          'INVALID_REQUEST',
          `The course project '${COURSE_PROJECT}' is cut into days by the trip files: pick a day instead.`,
        )
      const project = await loadProjectTask(deps.connection, name)
      return deps.reports.projectWindows(deps.config(), { kind: 'project-windows', project })
    },
  }
}
