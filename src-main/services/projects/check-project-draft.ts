import type { ErrorObject } from 'ajv'
import { Ajv } from 'ajv'
import type { Frame } from '../../core/data/frame'
import { withoutColumn } from '../../core/data/windows'
import { parseWindowSpec } from '../../core/data/windows'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { ProjectFile } from '../../core/project/project-schema'
import { ProjectFileSchema } from '../../core/project/project-schema'
import type { ColumnMappingSpec } from '../../core/reports/column-mapping'
import { inferColumnMapping } from '../../core/reports/column-mapping'
import type { ProjectDefinition, ProjectFieldProblem } from '../../shared/domain/projects'
import { sampleSide } from './inspect-project-files'

// The panel's own compile of the one project schema: its problems are worded for a form, field by field,
// where project-file.ts words them for a file and a terminal.
const ajv = new Ajv({ allErrors: true, strict: true, verbose: true })
const validate = ajv.compile<ProjectFile>(ProjectFileSchema)

// The panel's shape and the schema's type must agree both ways (a compile error otherwise).
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const shapesAgree: Agree<DeepReadonly<ProjectFile>, ProjectDefinition> = true
void shapesAgree
type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T

export type DraftCheck =
  | { readonly ok: true; readonly definition: ProjectFile }
  | { readonly ok: false; readonly problems: readonly ProjectFieldProblem[] }

/**
 * Checks a project drafted in the panel before it is stored, and says every problem next to the field
 * it concerns: the schema (name, window, options), the reserved course name, the files (readable, with
 * rows), each mapped column (in both files, one role only, numbers where numerical), and the window
 * (a timestamp column of the current data when it cuts by time). What it stores is the least mapping
 * that means the same: a feature list equal to what Evidently 0.4 infers (the same columns in the same
 * order, by name) is left out, so the project keeps Evidently's inferred typing (an inferred integer
 * column with few values counts as categorical in quality summaries, a listed one does not).
 */
export async function checkProjectDraft(content: unknown): Promise<DraftCheck> {
  if (!validate(content)) {
    return { ok: false, problems: dedupe((validate.errors ?? []).map(describeSchemaProblem)) }
  }
  const draft = content
  if (draft.name === COURSE_PROJECT)
    return fail({
      field: 'name',
      message: `'${COURSE_PROJECT}' is the built-in course project; give yours another name.`,
    })
  const list = (paths: string | string[]): string[] => (Array.isArray(paths) ? paths : [paths])
  const currentSource = draft.current
  if (typeof currentSource === 'object' && !Array.isArray(currentSource))
    return fail({
      field: 'current',
      message:
        'A PostgreSQL table as current data is set in a project file for now; here, give files.',
    })
  const [referenceSample, currentSample] = await Promise.all([
    sampleSide(list(draft.reference), 'reference'),
    sampleSide(list(currentSource), 'current'),
  ])
  const fileProblems = [referenceSample, currentSample].flatMap((s) => (s.ok ? [] : [s.problem]))
  if (!referenceSample.ok || !currentSample.ok) return { ok: false, problems: fileProblems }
  const problems = [
    ...windowProblems(draft, currentSample.frame),
    ...mappingProblems(draft, referenceSample.frame, currentSample.frame),
  ]
  if (problems.length > 0) return { ok: false, problems }
  const windowColumn = draft.window?.column
  const drop = (frame: Frame): Frame =>
    windowColumn === undefined || !frame.names.includes(windowColumn)
      ? frame
      : withoutColumn(frame, windowColumn)
  const reference = drop(referenceSample.frame)
  const current = drop(currentSample.frame)
  try {
    // Whatever the checks above missed, the engine's own inference says (a RangeError naming the column).
    inferColumnMapping(reference, current, specOf(draft))
  } catch (error) {
    if (error instanceof RangeError) return fail({ field: 'mapping', message: error.message })
    throw error
  }
  return { ok: true, definition: leastMapping(draft, reference, current) }
}

function fail(problem: ProjectFieldProblem): DraftCheck {
  return { ok: false, problems: [problem] }
}

function specOf(draft: ProjectFile): ColumnMappingSpec {
  const m = draft.mapping ?? {}
  return {
    ...(m.target === undefined ? {} : { target: m.target }),
    ...(m.prediction === undefined ? {} : { prediction: m.prediction }),
    ...(m.id === undefined ? {} : { id: m.id }),
    ...(m.numerical_features === undefined ? {} : { numericalFeatures: m.numerical_features }),
    ...(m.categorical_features === undefined
      ? {}
      : { categoricalFeatures: m.categorical_features }),
    ...(m.task === undefined ? {} : { task: m.task }),
  }
}

function windowProblems(draft: ProjectFile, current: Frame): ProjectFieldProblem[] {
  const window = draft.window
  if (window === undefined) return []
  try {
    parseWindowSpec(window.every, window.column)
  } catch {
    return [
      {
        field: 'window.column',
        message: `Windows of ${window.every} are cut by time: choose the timestamp column that holds each row's time, or cut by rows (rows:N) or take all rows.`,
      },
    ]
  }
  const column = window.column
  if (column === undefined) return []
  if (!current.names.includes(column))
    return [
      {
        field: 'window.column',
        column,
        message: `The current data has no column '${column}'; its columns are ${current.names.join(', ')}.`,
      },
    ]
  const kind = current.columns[column]?.kind
  if (kind !== 'timestamp_us' && !/^rows:|^all$/i.test(window.every))
    return [
      {
        field: 'window.column',
        column,
        message: `'${column}' holds ${kind === 'string' ? 'text' : `${String(kind)} values`}, not timestamps (ISO 8601, e.g. 2024-01-05T13:00:00): choose the column with each row's time.`,
      },
    ]
  return []
}

function mappingProblems(
  draft: ProjectFile,
  reference: Frame,
  current: Frame,
): ProjectFieldProblem[] {
  const problems: ProjectFieldProblem[] = []
  const m = draft.mapping ?? {}
  const windowColumn = draft.window?.column
  const roleOf = new Map<string, string>()
  const check = (field: string, role: string, column: string): void => {
    const missing = [
      reference.names.includes(column) ? null : 'reference',
      current.names.includes(column) ? null : 'current',
    ].filter((side) => side !== null)
    if (missing.length > 0) {
      problems.push({
        field,
        column,
        message: `The ${role} '${column}' is not in the ${missing.join(' or the ')} data: a mapped column must be in both files.`,
      })
      return
    }
    if (column === windowColumn) {
      problems.push({
        field,
        column,
        message: `'${column}' cuts the windows, so it is left out of every report: it cannot also be the ${role}.`,
      })
      return
    }
    const earlier = roleOf.get(column)
    if (earlier !== undefined) {
      problems.push({
        field,
        column,
        message: `'${column}' is already the ${earlier}: give each column one role.`,
      })
      return
    }
    roleOf.set(column, role)
  }
  if (m.target !== undefined) check('mapping.target', 'target', m.target)
  if (m.prediction !== undefined) check('mapping.prediction', 'prediction', m.prediction)
  if (m.id !== undefined) check('mapping.id', 'id', m.id)
  ;(m.numerical_features ?? []).forEach((column, i) => {
    const field = `mapping.numerical_features[${i}]`
    const before = problems.length
    check(field, 'numerical feature', column)
    if (problems.length > before) return
    for (const [side, frame] of [
      ['reference', reference],
      ['current', current],
    ] as const) {
      if (frame.columns[column]?.kind === 'string') {
        problems.push({
          field,
          column,
          message: `'${column}' holds text in the ${side} data, so it cannot be numerical: make it categorical.`,
        })
        return
      }
    }
  })
  ;(m.categorical_features ?? []).forEach((column, i) =>
    check(`mapping.categorical_features[${i}]`, 'categorical feature', column),
  )
  return problems
}

/** Leaves out a feature list equal (as a set) to what Evidently would infer from the rest. */
function leastMapping(draft: ProjectFile, reference: Frame, current: Frame): ProjectFile {
  const m = draft.mapping
  if (m === undefined) return draft
  const utility: ColumnMappingSpec = {
    ...(m.target === undefined ? {} : { target: m.target }),
    ...(m.prediction === undefined ? {} : { prediction: m.prediction }),
    ...(m.id === undefined ? {} : { id: m.id }),
  }
  // In order: Evidently lists an explicit mapping's columns in its order, an inferred one's by name.
  const sameList = (a: readonly string[], b: readonly string[]): boolean =>
    a.length === b.length && a.every((name, i) => b[i] === name)
  const inferredCategorical = inferColumnMapping(reference, current, utility).categoricalFeatures
  const keepCategorical =
    m.categorical_features !== undefined && !sameList(m.categorical_features, inferredCategorical)
  const inferredNumerical = inferColumnMapping(reference, current, {
    ...utility,
    ...(keepCategorical ? { categoricalFeatures: m.categorical_features } : {}),
  }).numericalFeatures
  const keepNumerical =
    m.numerical_features !== undefined && !sameList(m.numerical_features, inferredNumerical)
  const { numerical_features, categorical_features, ...rest } = m
  const mapping = {
    ...rest,
    ...(keepNumerical ? { numerical_features } : {}),
    ...(keepCategorical ? { categorical_features } : {}),
  }
  const { mapping: _drafted, ...withoutMapping } = draft
  return Object.keys(mapping).length === 0 ? withoutMapping : { ...withoutMapping, mapping }
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

/** Field-specific words for the form, where the schema's own would be generic. */
const FIELD_ADVICE: Readonly<Record<string, string>> = {
  name: 'Give the project a short name: letters, digits, dot, dash or underscore, starting with a letter or digit, at most 64 characters.',
  reference: 'Give the reference file or folder (.parquet, .csv or .jsonl).',
  current: 'Give the current file or folder (.parquet, .csv or .jsonl).',
  'window.every':
    'Choose how to cut the current data: a duration such as 1h, 1d, 7d or 1w, month, rows:N (N rows each) or all.',
  'window.column': 'Choose the timestamp column that holds each row’s time.',
  'options.drift_share': 'The drift share is a number from 0 to 1.',
}

function describeSchemaProblem(error: ErrorObject): ProjectFieldProblem {
  const field = fieldName(error.instancePath)
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty
    const full = field === '' ? missing : `${field}.${missing}`
    return { field: full, message: FIELD_ADVICE[full] ?? `'${full}' is required.` }
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty
    const full = field === '' ? extra : `${field}.${extra}`
    return { field: full, message: `driftdesk projects have no field '${full}'.` }
  }
  const top = field.replace(/\[\d+\]$/, '')
  const advice = FIELD_ADVICE[top] ?? FIELD_ADVICE[field.split(/[.[]/)[0] ?? '']
  if (error.keyword === 'uniqueItems')
    return { field, message: 'A column is listed twice: list each column once.' }
  if (advice !== undefined) return { field, message: advice }
  return { field, message: `This value ${error.message ?? 'is not valid'}.` }
}

function dedupe(problems: readonly ProjectFieldProblem[]): ProjectFieldProblem[] {
  const seen = new Set<string>()
  return problems.filter((problem) => {
    const key = `${problem.field}\n${problem.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
