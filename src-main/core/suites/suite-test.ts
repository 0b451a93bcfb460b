import type { SuiteTestEntry, TestStatus, TestSuiteSummary } from '../../shared/domain/reports'
import type { TestCondition } from './test-condition'
import { checkCondition, conditionToJson, describeCondition, hasCondition } from './test-condition'

/** What the user may change about a suite: conditions per test, and tests that only warn. */
export interface SuiteOptions {
  /**
   * Conditions that replace a test's automatic one, keyed by Evidently's class name (`TestNumberOfRows`) or,
   * for a per-column test, `ClassName:column` (`TestColumnDrift:prediction`), which wins over the class key.
   */
  readonly conditions?: Readonly<Record<string, TestCondition>>
  /** Class names (or `ClassName:column`) whose failure is a WARNING (Evidently's `is_critical=False`). */
  readonly nonCritical?: readonly string[]
  /** TestShareOfDriftedColumns' default `lt` (Evidently's preset `drift_share`, default 0.3). */
  readonly driftShare?: number
}

/** A check-value test ready to be evaluated. */
export interface ValueTest {
  readonly className: string
  readonly column?: string
  readonly name: string
  readonly group: string
  /** The value checked; null means the test cannot be computed (ERROR). */
  readonly value: number | null
  /** The automatic condition; null means there is none without a reference (ERROR unless the user gives one). */
  readonly automaticCondition: TestCondition | null
  readonly describe: (value: number | null, conditionText: string) => string
  readonly parameters: (condition: TestCondition | null) => Record<string, unknown>
  /** Why the value is null, shown as the description of an ERROR. */
  readonly errorMessage?: string
}

/** The user's condition for this test, if any (`Class:column` first, then `Class`). */
function userCondition(
  options: SuiteOptions,
  className: string,
  column?: string,
): TestCondition | undefined {
  const conditions = options.conditions ?? {}
  const specific = column === undefined ? undefined : conditions[`${className}:${column}`]
  if (hasCondition(specific)) return specific
  const general = conditions[className]
  return hasCondition(general) ? general : undefined
}

/**
 * Evaluates one test as Evidently's `BaseCheckValueTest.check` does: a user condition wins, else the automatic
 * one; no value or no condition → ERROR; condition met → SUCCESS; otherwise FAIL, or WARNING for a
 * non-critical test.
 */
export function evaluateValueTest(test: ValueTest, options: SuiteOptions): SuiteTestEntry {
  const condition = userCondition(options, test.className, test.column) ?? test.automaticCondition
  const conditionText = condition === null ? '' : describeCondition(condition)
  const parameters = test.parameters(condition)
  if (test.value === null || Number.isNaN(test.value) || condition === null) {
    const reason =
      test.value === null || Number.isNaN(test.value)
        ? (test.errorMessage ?? test.describe(test.value, conditionText))
        : 'Cannot calculate the condition: there is no reference data and no condition was given.'
    return { name: test.name, description: reason, status: 'ERROR', group: test.group, parameters }
  }
  const passed = checkCondition(test.value, condition)
  return {
    name: test.name,
    description: test.describe(test.value, conditionText),
    status: passed ? 'SUCCESS' : failureStatus(options, test.className, test.column),
    group: test.group,
    parameters,
  }
}

/** FAIL, or WARNING when the user marked the test as non-critical. */
export function failureStatus(
  options: SuiteOptions,
  className: string,
  column?: string,
): TestStatus {
  const nonCritical = options.nonCritical ?? []
  const isWarning =
    nonCritical.includes(className) ||
    (column !== undefined && nonCritical.includes(`${className}:${column}`))
  return isWarning ? 'WARNING' : 'FAIL'
}

/** `{condition: …}` as Evidently's renderers put it in `parameters`. */
export function conditionParameter(condition: TestCondition | null): Record<string, unknown> {
  return condition === null ? {} : { condition: conditionToJson(condition) }
}

/**
 * Evidently's suite summary: all_passed (every test SUCCESS or WARNING), totals, passed (SUCCESS + WARNING) and
 * failed (the rest) counts, and counts by status in order of first appearance (as Evidently's Counter prints).
 */
export function summarizeTests(tests: readonly SuiteTestEntry[]): TestSuiteSummary {
  const byStatus: Partial<Record<TestStatus, number>> = {}
  for (const test of tests) byStatus[test.status] = (byStatus[test.status] ?? 0) + 1
  const passed = tests.filter((t) => t.status === 'SUCCESS' || t.status === 'WARNING').length
  return {
    all_passed: passed === tests.length,
    total_tests: tests.length,
    success_tests: passed,
    failed_tests: tests.length - passed,
    by_status: byStatus,
  }
}
