import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { listSourceFiles } from '../../adapters/sources/table-source'
import { ENGINE_VERSION } from '../../core/engine-version'
import { loggedColumnsOf } from '../../core/pipeline/logged-record-frame'
import { inferColumnMapping } from '../../core/reports/column-mapping'
import { createReferenceProfile } from '../../core/reports/reference-profile'
import { AppError } from '../../shared/errors'
import type { ProjectBackfillRequest } from '../pipeline/project-backfill-service'
import { readProjectReference } from '../pipeline/project-backfill-service'
import type { ProjectLiveReference } from './collector-service'

/** What the collector needs of a project's definition: the backfill request's reference half. */
export type ProjectLiveDefinition = Pick<
  ProjectBackfillRequest,
  'project' | 'reference' | 'mapping' | 'windowColumn' | 'drift' | 'metrics'
>

/**
 * A learner's project as the live collector compares its windows: the reference read exactly as
 * `backfill --project` reads it (every file joined, the window column read as a timestamp and then
 * dropped), the column mapping inferred as the backfill infers it (the log's records hold the
 * reference's columns: `serve --project` refuses any other field, so the reference stands for the
 * current data's columns too), the drift options and extra metrics of the project.
 * @throws {AppError} PIPELINE_INPUT_INVALID when the reference cannot be read, has no rows, or the
 *   mapping names a column it lacks.
 */
export async function loadProjectLiveReference(
  definition: ProjectLiveDefinition,
): Promise<ProjectLiveReference> {
  const windowColumn = definition.windowColumn ?? null
  const frame = await readProjectReference(
    definition,
    windowColumn === null ? {} : { declaredTypes: { [windowColumn]: 'timestamp' } },
  )
  let mapping
  try {
    mapping = inferColumnMapping(frame, frame, definition.mapping)
  } catch (error) {
    if (error instanceof RangeError) throw new AppError('PIPELINE_INPUT_INVALID', error.message)
    throw error
  }
  return {
    kind: 'project',
    profile: createReferenceProfile(frame, mapping),
    columns: loggedColumnsOf(frame),
    windowColumn,
    ...(definition.drift === undefined ? {} : { drift: definition.drift }),
    extra: definition.metrics,
    fingerprint: await referenceFingerprint(definition),
    description: `the reference ${definition.reference.join(', ')} (${frame.rowCount} rows)`,
  }
}

/**
 * What a live window of the project derives from besides its rows: the definition's mapping, window
 * column, drift options and extra metrics, each reference file's path, size and modification time, and
 * the engine version (the backfill's inputs fingerprint, minus the current files the log replaces).
 */
async function referenceFingerprint(definition: ProjectLiveDefinition): Promise<string> {
  const files = await listSourceFiles(definition.reference)
  const stamps = await Promise.all(
    files.map(async (file) => {
      const info = await stat(file.path)
      return `${file.path}\t${info.size}\t${info.mtimeMs}`
    }),
  )
  const described = {
    mapping: definition.mapping ?? null,
    windowColumn: definition.windowColumn ?? null,
    drift: definition.drift ?? null,
    metrics: definition.metrics,
  }
  return createHash('sha256')
    .update(`${JSON.stringify(described)}\n${stamps.join('\n')}\n${ENGINE_VERSION}`)
    .digest('hex')
}
