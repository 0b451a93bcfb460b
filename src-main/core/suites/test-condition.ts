import { formatGeneral } from './format-general'

/**
 * Evidently's `approx(value, relative, absolute)` (`utils/types.py::ApproxValue`): a number with a tolerance
 * `max(|value|·relative, absolute)`. Comparisons against it widen or narrow by that tolerance.
 */
export interface ApproxValue {
  readonly kind: 'approx'
  readonly value: number
  readonly relative: number
  readonly absolute: number
}

/** A condition operand: a plain number, an approx number, or (for is_in / not_in) a list. */
export type ConditionValue = number | ApproxValue
export type ListMember = number | string | boolean

/**
 * A test condition (`tests/base_test.py::TestValueCondition`): every operator given must hold (AND).
 * All fields optional; an empty condition means "use the test's automatic one".
 */
export interface TestCondition {
  readonly eq?: ConditionValue
  readonly gt?: ConditionValue
  readonly gte?: ConditionValue
  readonly lt?: ConditionValue
  readonly lte?: ConditionValue
  readonly not_eq?: ConditionValue
  readonly is_in?: readonly ListMember[]
  readonly not_in?: readonly ListMember[]
}

const conditionOperators = ['eq', 'gt', 'gte', 'lt', 'lte', 'not_eq', 'is_in', 'not_in'] as const
export type ConditionOperator = (typeof conditionOperators)[number]

/** Evidently's defaults for `approx`: relative 1e-6, absolute 1e-12. */
const defaultApproxRelative = 1e-6
const defaultApproxAbsolute = 1e-12

/**
 * Builds an {@link ApproxValue}.
 * @example approx(2536, { relative: 0.1 }) // tolerance 253.6
 */
export function approx(
  value: number,
  options: { relative?: number; absolute?: number } = {},
): ApproxValue {
  return {
    kind: 'approx',
    value,
    relative: options.relative ?? defaultApproxRelative,
    absolute: options.absolute ?? defaultApproxAbsolute,
  }
}

/**
 * `max(|value|·relative, absolute)` with Python's `max`: the first argument is kept unless the second is
 * greater, so a NaN `absolute` (TestValueMeanError's `0.1·me_default_sigma` on a one-row day) gives the
 * relative tolerance, not NaN as `Math.max` would.
 * @example approxTolerance(approx(0, { absolute: NaN })) // 0
 */
export function approxTolerance(value: ApproxValue): number {
  const relative = Math.abs(value.value) * value.relative
  return value.absolute > relative ? value.absolute : relative
}

/** Whether a condition sets any operator (Evidently's `has_condition`). */
export function hasCondition(condition: TestCondition | undefined): condition is TestCondition {
  if (condition === undefined) return false
  return conditionOperators.some((operator) => condition[operator] !== undefined)
}

/**
 * Checks `value` against every operator of `condition`, with Evidently's approx semantics:
 * `eq approx` ⇔ |x − v| ≤ tol; `lte approx` ⇔ x ≤ v + tol; `gte approx` ⇔ x ≥ v − tol;
 * `lt approx` ⇔ x < v − tol; `gt approx` ⇔ x > v + tol; `not_eq approx` ⇔ |x − v| > tol.
 * NaN fails every comparison, as in Python.
 * @example checkCondition(0.857, { lt: 0.3 }) // false
 * @example checkCondition(2400, { eq: approx(2536, { relative: 0.1 }) }) // true
 */
export function checkCondition(
  value: number | string | boolean,
  condition: TestCondition,
): boolean {
  if (condition.eq !== undefined && !equals(value, condition.eq)) return false
  if (condition.gt !== undefined && !(numeric(value) > upper(condition.gt))) return false
  if (condition.gte !== undefined && !(numeric(value) >= lower(condition.gte))) return false
  if (condition.is_in !== undefined && !condition.is_in.some((member) => member === value))
    return false
  if (condition.lt !== undefined && !(numeric(value) < lower(condition.lt))) return false
  if (condition.lte !== undefined && !(numeric(value) <= upper(condition.lte))) return false
  if (condition.not_eq !== undefined && equals(value, condition.not_eq)) return false
  if (condition.not_in !== undefined && condition.not_in.some((member) => member === value))
    return false
  return true
}

function numeric(value: number | string | boolean): number {
  return typeof value === 'number' ? value : Number.NaN
}

function equals(value: number | string | boolean, operand: ConditionValue): boolean {
  const x = numeric(value)
  if (typeof operand === 'number') return x === operand
  const tolerance = approxTolerance(operand)
  return operand.value - tolerance <= x && x <= operand.value + tolerance
}

/** The bound used by `gt` / `lte`: v + tol for approx values. */
function upper(operand: ConditionValue): number {
  return typeof operand === 'number' ? operand : operand.value + approxTolerance(operand)
}

/** The bound used by `lt` / `gte`: v − tol for approx values. */
function lower(operand: ConditionValue): number {
  return typeof operand === 'number' ? operand : operand.value - approxTolerance(operand)
}

/**
 * Evidently's `str(TestValueCondition)`: `op=value` joined by " and "; non-integers and approx values
 * with `.3g`, approx as `v ± tol`.
 * @example describeCondition({ lt: 0.3 }) // 'lt=0.3'
 * @example describeCondition({ eq: approx(2536, { relative: 0.1 }) }) // 'eq=2.54e+03 ± 254'
 */
export function describeCondition(condition: TestCondition): string {
  const parts: string[] = []
  for (const operator of conditionOperators) {
    const operand = condition[operator]
    if (operand === undefined) continue
    parts.push(`${operator}=${describeOperand(operand)}`)
  }
  return parts.join(' and ')
}

function describeOperand(operand: ConditionValue | readonly ListMember[]): string {
  if (Array.isArray(operand)) {
    return `[${operand.map((member) => (typeof member === 'string' ? `'${member}'` : pythonScalar(member))).join(', ')}]`
  }
  if (typeof operand === 'number') {
    return Number.isInteger(operand) ? String(operand) : formatGeneral(operand, 3)
  }
  const approxOperand = operand as ApproxValue
  return `${formatGeneral(approxOperand.value, 3)} ± ${formatGeneral(approxTolerance(approxOperand), 3)}`
}

function pythonScalar(member: ListMember): string {
  if (typeof member === 'boolean') return member ? 'True' : 'False'
  return String(member)
}

/**
 * The condition as Evidently's test JSON prints it (`TestValueCondition.as_dict`): operators in order, approx
 * values as `{value, relative, absolute}`.
 */
export function conditionToJson(condition: TestCondition): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const operator of conditionOperators) {
    const operand = condition[operator]
    if (operand === undefined) continue
    result[operator] =
      typeof operand === 'object' && !Array.isArray(operand) && 'kind' in operand
        ? { value: operand.value, relative: operand.relative, absolute: operand.absolute }
        : operand
  }
  return result
}

/**
 * Parses a user condition from plain JSON (`{"lt": 0.3}`, `{"eq": {"value": 10, "relative": 0.1}}`).
 * @throws {RangeError} naming the bad operator or operand.
 */
export function parseCondition(input: unknown, where = 'condition'): TestCondition {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new RangeError(`${where} must be an object such as {"lt": 0.3}.`)
  }
  const result: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    if (!(conditionOperators as readonly string[]).includes(key)) {
      throw new RangeError(
        `${where} has unknown operator '${key}'; use one of ${conditionOperators.join(', ')}.`,
      )
    }
    if (key === 'is_in' || key === 'not_in') {
      if (
        !Array.isArray(raw) ||
        !raw.every((m) => ['number', 'string', 'boolean'].includes(typeof m))
      ) {
        throw new RangeError(`${where}.${key} must be a list of numbers, strings or booleans.`)
      }
      result[key] = raw
    } else if (typeof raw === 'number' && Number.isFinite(raw)) {
      result[key] = raw
    } else if (
      raw !== null &&
      typeof raw === 'object' &&
      typeof (raw as { value?: unknown }).value === 'number'
    ) {
      const r = raw as { value: number; relative?: number; absolute?: number }
      result[key] = approx(r.value, { relative: r.relative, absolute: r.absolute })
    } else {
      throw new RangeError(
        `${where}.${key} must be a finite number or {"value": v, "relative": r}.`,
      )
    }
  }
  return result as TestCondition
}
