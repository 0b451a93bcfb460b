import type { ProjectFile } from '../../core/project/project-schema'
import type { Queryable } from './pool'

/** A project as stored in the `projects` table. */
export interface StoredProject {
  readonly definition: ProjectFile
  readonly createdAt: string
  readonly updatedAt: string
}

interface ProjectRow {
  definition: ProjectFile
  created_at: Date
  updated_at: Date
}

/**
 * Stores a project under its name, replacing one of the same name (its `created_at` kept). The caller
 * validates the definition first (services/projects/project-file.ts) and makes its paths absolute.
 */
export async function saveProject(db: Queryable, definition: ProjectFile): Promise<void> {
  await db.query(
    `INSERT INTO projects (name, definition) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()`,
    [definition.name, JSON.stringify(definition)],
  )
}

/**
 * Stores a project under a name not stored yet, atomically: of two concurrent calls with one new name,
 * exactly one inserts (the other waits on the unique key, then finds the row). Returns whether this
 * call stored it; false means the name was taken, and nothing changed.
 */
export async function insertNewProject(db: Queryable, definition: ProjectFile): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO projects (name, definition) VALUES ($1, $2)
     ON CONFLICT (name) DO NOTHING RETURNING name`,
    [definition.name, JSON.stringify(definition)],
  )
  return (result.rowCount ?? 0) > 0
}

/** The stored project of that name, or undefined. */
export async function findProject(db: Queryable, name: string): Promise<StoredProject | undefined> {
  const result = await db.query<ProjectRow>(
    'SELECT definition, created_at, updated_at FROM projects WHERE name = $1',
    [name],
  )
  const row = result.rows[0]
  return row === undefined ? undefined : toStoredProject(row)
}

/** Every stored project, by name. */
export async function listProjects(db: Queryable): Promise<StoredProject[]> {
  const result = await db.query<ProjectRow>(
    'SELECT definition, created_at, updated_at FROM projects ORDER BY name',
  )
  return result.rows.map(toStoredProject)
}

/**
 * Every table that holds rows per project (in a `project` column). `project remove --with-metrics`
 * empties each of them for the project: a migration that adds such a table adds it here.
 */
export const PER_PROJECT_TABLES: readonly string[] = [
  'daily_metrics',
  'column_drift',
  'column_missing',
  'column_metrics',
  'service_health',
  // Issue #13's explanations per window (migration 0004).
  'prediction_contributions',
  'column_outliers',
  'segment_metrics',
]

/** Rows per table of {@link PER_PROJECT_TABLES}, in that order. */
export type ProjectRowCounts = Readonly<Record<string, number>>

/** How many rows each per-project table holds for the project. */
export async function countProjectRows(db: Queryable, name: string): Promise<ProjectRowCounts> {
  const counts: Record<string, number> = {}
  for (const table of PER_PROJECT_TABLES) {
    const result = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE project = $1`,
      [name],
    )
    counts[table] = result.rows[0]?.n ?? 0
  }
  return counts
}

/** What {@link removeProject} did. */
export interface RemovedProject {
  /** Whether a definition was stored under the name. */
  readonly existed: boolean
  /** Rows deleted per per-project table (all zero without `withMetrics`). */
  readonly removedRows: ProjectRowCounts
}

/**
 * Removes a project's definition; with `withMetrics`, also its rows in every per-project table (in the
 * same transaction if `db` is a transaction's client).
 */
export async function removeProject(
  db: Queryable,
  name: string,
  withMetrics: boolean,
): Promise<RemovedProject> {
  const removedRows: Record<string, number> = {}
  for (const table of PER_PROJECT_TABLES) {
    removedRows[table] = withMetrics
      ? ((await db.query(`DELETE FROM ${table} WHERE project = $1`, [name])).rowCount ?? 0)
      : 0
  }
  const result = await db.query('DELETE FROM projects WHERE name = $1', [name])
  return { existed: (result.rowCount ?? 0) > 0, removedRows }
}

function toStoredProject(row: ProjectRow): StoredProject {
  return {
    definition: row.definition,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/** How many windows a project has stored, per source (`batch` backfills, `live` collector). */
export interface StoredWindowCount {
  readonly project: string
  readonly batch: number
  readonly live: number
}

/** Stored windows (rows of `daily_metrics`) per project, for every project that has any, by name. */
export async function countStoredWindows(db: Queryable): Promise<StoredWindowCount[]> {
  const result = await db.query<{ project: string; batch: number; live: number }>(
    `SELECT project, count(*) FILTER (WHERE source = 'batch')::int AS batch,
       count(*) FILTER (WHERE source = 'live')::int AS live
     FROM daily_metrics GROUP BY project ORDER BY project`,
  )
  return result.rows
}
