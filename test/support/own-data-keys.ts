import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { evidentlyAsDict } from '../../src-main/core/reports/evidently-as-dict'
import { toEvidentlyJson } from '../../src-main/core/reports/evidently-json'
import type { OwnDataSet } from '../../src-main/services/reports/own-data-reports'
import { ownDataReports, ownDataTestSuites } from '../../src-main/services/reports/own-data-reports'
import { isClose } from './answer-keys'

/** One Evidently key file: `{window, current_rows, as_dict}` (or `error` when Evidently itself failed). */
export interface OwnDataKeyFile {
  current_rows: number
  reference_rows?: number
  as_dict: Record<string, unknown>
  error?: string
}

export function readOwnDataKey(dir: string, window: string, file: string): OwnDataKeyFile {
  return JSON.parse(readFileSync(join(dir, 'reports', window, file), 'utf8')) as OwnDataKeyFile
}

/** Same keys in the same order at every level; numbers to 1e-9 relative; everything else exactly. */
export function expectSameDict(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, where).toBe('number')
    expect(isClose(actual as number, expected), `${where}: ${String(actual)} vs ${expected}`).toBe(
      true,
    )
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where} is an array`).toBe(true)
    expect((actual as unknown[]).length, `${where} length`).toBe(expected.length)
    expected.forEach((item, i) => expectSameDict((actual as unknown[])[i], item, `${where}[${i}]`))
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object', `${where} is an object`).toBe(true)
    expect(Object.keys(actual as object), `${where} keys`).toEqual(Object.keys(expected))
    for (const [key, value] of Object.entries(expected))
      expectSameDict((actual as Record<string, unknown>)[key], value, `${where}.${key}`)
  } else {
    expect(actual, where).toEqual(expected)
  }
}

/** JSON as the keys write it (non-finite floats as strings), so both sides compare alike. */
export function asKeyJson(value: unknown): unknown {
  return JSON.parse(toEvidentlyJson(value)) as unknown
}

/** The three explicit-mapping reports of one window equal their keys. */
export function expectReportsMatchKeys(data: OwnDataSet, dir: string, window: string): void {
  for (const [preset, file] of [
    ['data-drift', 'data_drift.json'],
    ['data-quality', 'data_quality.json'],
    ['regression', 'regression.json'],
  ] as const) {
    const key = readOwnDataKey(dir, window, file)
    const [outcome] = ownDataReports(data, preset)
    expect(outcome?.currentRows, `${window} ${file} rows`).toBe(key.current_rows)
    if (key.reference_rows !== undefined)
      expect(data.profile.frame.rowCount).toBe(key.reference_rows)
    expect(outcome?.error, `${window} ${file}`).toBeUndefined()
    expectSameDict(asKeyJson(evidentlyAsDict(outcome!.document!)), key.as_dict, `${window} ${file}`)
  }
}

/** DataDriftTestPreset of one window equals its key: every test's name, status, group, description, parameters. */
export function expectDriftSuiteMatchesKey(data: OwnDataSet, dir: string, window: string): void {
  const key = readOwnDataKey(dir, window, 'data_drift_tests.json') as OwnDataKeyFile & {
    as_dict: { tests: Record<string, unknown>[]; summary: Record<string, unknown> }
  }
  const [outcome] = ownDataTestSuites(data, 'data-drift')
  const suite = outcome?.document
  expect(suite?.tests, `${window} tests`).toHaveLength(key.as_dict.tests.length)
  key.as_dict.tests.forEach((test, i) => {
    const actual = suite?.tests[i]
    const where = `${window} test ${i}`
    expect(actual?.name, where).toBe(test.name)
    expect(actual?.status, where).toBe(test.status)
    expect(actual?.group, where).toBe(test.group)
    expect(actual?.description, where).toBe(test.description)
    expect(asKeyJson(actual?.parameters), where).toEqual(test.parameters)
  })
  expect(suite?.summary).toEqual(key.as_dict.summary)
}

/** DataDriftPreset with no mapping (types inferred) equals its key. */
export function expectNoMappingDriftMatchesKey(
  data: OwnDataSet,
  dir: string,
  window: string,
): void {
  const key = readOwnDataKey(dir, window, 'data_drift_nomapping.json')
  const [outcome] = ownDataReports(data, 'data-drift')
  expectSameDict(
    asKeyJson(evidentlyAsDict(outcome!.document!)),
    key.as_dict,
    `${window} data_drift_nomapping.json`,
  )
}
