import type {
  ColumnRole,
  InspectedColumn,
  ProjectDefinition,
  ProjectFieldProblem,
} from '../../../src-main/shared/domain/projects'

/** What the new-project form holds once the files are read. */
export interface ProjectDraft {
  readonly name: string
  readonly reference: readonly string[]
  readonly current: readonly string[]
  readonly columns: readonly InspectedColumn[]
  /** The role of each column: the proposal, as the learner corrected it. */
  readonly roles: Readonly<Record<string, ColumnRole>>
  readonly windowColumn: string | null
  readonly every: string
}

/** One path per line; blank lines and surrounding spaces ignored. */
export function splitPaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
}

const SINGLE_ROLES = ['target', 'prediction', 'id'] as const

/**
 * Problems the form can tell before asking main: a role only one column may have (target, prediction,
 * id) given to several. Main checks everything else against the files and the schema.
 */
export function draftRoleProblems(draft: ProjectDraft): ProjectFieldProblem[] {
  const problems: ProjectFieldProblem[] = []
  for (const role of SINGLE_ROLES) {
    const holders = draft.columns.filter((c) => draft.roles[c.name] === role).map((c) => c.name)
    for (const column of holders.slice(1))
      problems.push({
        field: `mapping.${role}`,
        column,
        message: `'${holders[0]}' is already the ${role}: only one column can be.`,
      })
  }
  return problems
}

/**
 * The project file a draft describes. Feature lists are sorted by name, as Evidently 0.4 sorts the
 * ones it infers: a proposal the learner kept is then exactly the inferred list, which main leaves out
 * of the stored project (so it keeps Evidently's inferred typing); a corrected one is stored as given.
 * Timestamp columns are never features; the window column cuts the windows.
 */
export function definitionFromDraft(draft: ProjectDraft): ProjectDefinition {
  const withRole = (role: ColumnRole): string[] =>
    draft.columns.filter((c) => draft.roles[c.name] === role).map((c) => c.name)
  const one = (role: ColumnRole): string | undefined => withRole(role)[0]
  const paths = (list: readonly string[]): string | readonly string[] =>
    list.length === 1 ? (list[0] as string) : list
  const target = one('target')
  const prediction = one('prediction')
  const id = one('id')
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  return {
    name: draft.name.trim(),
    reference: paths(draft.reference),
    current: paths(draft.current),
    mapping: {
      ...(target === undefined ? {} : { target }),
      ...(prediction === undefined ? {} : { prediction }),
      ...(id === undefined ? {} : { id }),
      numerical_features: withRole('numerical').sort(byName),
      categorical_features: withRole('categorical').sort(byName),
    },
    window: {
      ...(draft.windowColumn === null ? {} : { column: draft.windowColumn }),
      every: draft.every.trim(),
    },
  }
}
