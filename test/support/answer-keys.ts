import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Evidently's own output on the course data (`../shared/answers`), when this checkout has it (CI does). */
export const ANSWERS_DIR = resolve(__dirname, '../../../shared/answers/evidently-0.4-2022-02')

export function hasAnswerKeys(): boolean {
  return existsSync(join(ANSWERS_DIR, 'summary.tsv'))
}

/** Rows of a TSV answer key as records of strings. */
export function readAnswerTsv(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(ANSWERS_DIR, name), 'utf8').trim().split('\n')
  const columns = (header ?? '').split('\t')
  return lines.map((line) => {
    const cells = line.split('\t')
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']))
  })
}

/** A JSON answer key (non-finite floats are the strings "NaN", "Infinity", "-Infinity"). */
export function readAnswerJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(ANSWERS_DIR, name), 'utf8')) as T
}

/** |actual − expected| ≤ rtol·|expected| (+ a tiny absolute floor for expected values at 0). */
export function isClose(actual: number, expected: number, rtol = 1e-9, atol = 1e-12): boolean {
  return Math.abs(actual - expected) <= Math.max(rtol * Math.abs(expected), atol)
}
