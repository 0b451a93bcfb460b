#!/usr/bin/env node
// .ci/run's last step: reads vitest's JSON reports and the setup steps that failed, lists what was skipped
// and what failed, and prints the closing line CI reads: `N passed, N failed, N skipped`.
// Usage: node .ci/summary.mjs [--failed-setup STEP]... REPORT.json...
// Exits 1 when a test or a file failed, a report is missing or unreadable, or a setup step failed (each
// counted as one failure); 0 otherwise.
import { readFileSync } from 'node:fs'
import process from 'node:process'

const print = (line) => process.stdout.write(`${line}\n`)
const failedSetups = []
const reportPaths = []
const args = process.argv.slice(2)
for (let index = 0; index < args.length; index += 1) {
  if (args[index] === '--failed-setup') failedSetups.push(args[(index += 1)] ?? 'unnamed step')
  else reportPaths.push(args[index])
}

let passed = 0
let failed = 0
let skipped = 0
const skippedNames = []
const failedNames = []
for (const path of reportPaths) {
  let report
  try {
    report = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    failed += 1
    failedNames.push(`no test report at ${path} (${error.message}): the test run did not finish`)
    continue
  }
  const failedBefore = failed
  for (const file of report.testResults ?? []) {
    // A file that fails to load (a syntax error, a throwing import) has no test results: count it.
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) {
      failed += 1
      failedNames.push(`${file.name}: ${String(file.message ?? '').split('\n')[0]}`)
    }
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed') passed += 1
      else if (test.status === 'failed') {
        failed += 1
        failedNames.push(test.fullName)
      } else {
        // vitest's JSON says 'pending', 'skipped' or 'todo' for a test that did not run.
        skipped += 1
        skippedNames.push(test.fullName)
      }
    }
  }
  // A run can fail without a failing test (an unhandled error between tests): count that too.
  if (report.success === false && failed === failedBefore) {
    failed += 1
    failedNames.push(`${path}: the run failed outside any test (see the log above)`)
  }
}
for (const step of failedSetups) {
  failed += 1
  failedNames.push(`setup step failed: ${step}`)
}

if (skippedNames.length > 0) {
  print(`\nSkipped (${skippedNames.length}):`)
  for (const name of skippedNames) print(`  - ${name}`)
}
if (failedNames.length > 0) {
  print(`\nFailed (${failedNames.length}):`)
  for (const name of failedNames) print(`  - ${name}`)
}
print(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exitCode = failed > 0 ? 1 : 0
