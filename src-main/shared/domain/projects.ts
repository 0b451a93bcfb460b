/**
 * Projects as the panel sees them (issue #11): the built-in course and the learner's own projects, what
 * driftdesk reads from a project's files before it is saved (columns, a preview, the proposed role of
 * each column) and the problems a draft has, each tied to the form field it concerns. Plain data.
 */

/** The built-in course project's name (the same constant as core/project/course-project.ts). */
export const COURSE_PROJECT_NAME = 'nyc-taxi'

/**
 * What a column is for, in Evidently 0.4's `ColumnMapping` terms: a numerical or categorical feature,
 * the target, the prediction, a row id, a timestamp (never a feature; one of them can cut the windows),
 * or not used at all.
 */
export type ColumnRole =
  'numerical' | 'categorical' | 'datetime' | 'target' | 'prediction' | 'id' | 'ignored'

export const COLUMN_ROLES: readonly ColumnRole[] = [
  'numerical',
  'categorical',
  'datetime',
  'target',
  'prediction',
  'id',
  'ignored',
]

/** How a column is stored in the files (the readers' physical types). */
export type ColumnStorage = 'integer' | 'float' | 'boolean' | 'string' | 'timestamp' | 'empty'

/**
 * A project file's content (core/project/project-schema.ts, whose Ajv schema main validates it with;
 * main checks at compile time that the two shapes agree). Paths are absolute for a stored project.
 */
export interface ProjectDefinition {
  readonly name: string
  readonly reference: string | readonly string[]
  /** Files, or a PostgreSQL table or read-only query (set in a project file; the panel drafts files). */
  readonly current:
    | string
    | readonly string[]
    | {
        readonly postgres: { readonly table: string } | { readonly query: string }
        readonly connection?: string
      }
  readonly mapping?: {
    readonly target?: string
    readonly prediction?: string
    readonly id?: string
    readonly numerical_features?: readonly string[]
    readonly categorical_features?: readonly string[]
    readonly task?: 'regression' | 'classification'
  }
  readonly window?: { readonly column?: string; readonly every: string }
  readonly options?: {
    readonly drift_share?: number
    readonly stattest?: string
    readonly num_stattest?: string
    readonly cat_stattest?: string
    readonly threshold?: number
    readonly num_threshold?: number
    readonly cat_threshold?: number
  }
}

/** One entry of the project picker. */
export interface ProjectSummary {
  readonly name: string
  /** The course (`nyc-taxi`): its data are the TLC trip files and the model driftdesk trains. */
  readonly builtIn: boolean
  /** Null for the built-in course. */
  readonly definition: ProjectDefinition | null
  readonly updatedAt: string | null
}

/** A column of the inspected files and what driftdesk proposes it is. */
export interface InspectedColumn {
  readonly name: string
  readonly storage: ColumnStorage
  readonly inReference: boolean
  readonly inCurrent: boolean
  /** Evidently 0.4's inference (core/reports/column-mapping.ts). */
  readonly proposedRole: ColumnRole
  /** Why, in a few words: "integer → numerical", "named 'target'", "only in the current data". */
  readonly reason: string
}

/** The first rows of one side, as text-free JSON values (timestamps as ISO strings). */
export interface DataPreview {
  readonly columns: readonly string[]
  readonly rows: readonly (readonly (string | number | boolean | null)[])[]
}

/** What driftdesk read from a draft's files: enough to propose a mapping and a window. */
export interface FilesInspection {
  readonly columns: readonly InspectedColumn[]
  readonly referencePreview: DataPreview
  readonly currentPreview: DataPreview
  /** Rows the proposal was read from (the first batch of each side: a row group or a CSV chunk). */
  readonly sampledRows: { readonly reference: number; readonly current: number }
  /** Regression or classification, as Evidently decides it from the target (or prediction). */
  readonly task: 'regression' | 'classification' | null
  /** The first timestamp column of the current data, cut by day; or no column and `all`. */
  readonly proposedWindow: { readonly column: string | null; readonly every: string }
}

/** One problem of a draft, for the field it concerns (`name`, `reference`, `mapping.target`, …). */
export interface ProjectFieldProblem {
  /** The field path as the project file names it: `name`, `window.every`, `mapping.numerical_features[1]`. */
  readonly field: string
  readonly message: string
  /** The column the problem is about, when there is one (the form marks its row). */
  readonly column?: string
}

export type InspectFilesResult =
  | { readonly ok: true; readonly inspection: FilesInspection }
  | { readonly ok: false; readonly problems: readonly ProjectFieldProblem[] }

export type SaveProjectResult =
  | { readonly ok: true; readonly project: ProjectSummary }
  | { readonly ok: false; readonly problems: readonly ProjectFieldProblem[] }

/** One window of a project's current data. */
export interface ProjectWindow {
  readonly label: string
  readonly start: string | null
  readonly endExclusive: string | null
  readonly rows: number
}

/** A project's windows and the mapping its reports use (the proposal with the learner's corrections). */
export interface ProjectWindows {
  readonly project: string
  readonly windows: readonly ProjectWindow[]
  readonly rowsWithoutTimestamp: number
  readonly mapping: {
    readonly target: string | null
    readonly prediction: string | null
    readonly numericalFeatures: readonly string[]
    readonly categoricalFeatures: readonly string[]
  }
}
