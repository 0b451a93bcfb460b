import { loadConfig } from '../../config/app-config'
import { toEvidentlyJson } from '../../core/reports/evidently-json'
import type { TestCondition } from '../../core/suites/test-condition'
import { parseCondition } from '../../core/suites/test-condition'
import { renderReportHtml } from '../../services/reports/render-report-html'
import { ReportService } from '../../services/reports/report-service'
import type { TestSuitePresetName } from '../../shared/domain/reports'
import { testSuitePresetNames } from '../../shared/domain/reports'
import type { CliContext } from '../cli-context'
import { OutputFile } from '../output-file'
import { renderMarkdownForTerminal, shouldUseColor } from '../terminal-markdown'
import { parseCommandOptions } from '../parse-command-options'
import { CliError } from '../cli-context'
import {
  isOwnDataRequest,
  OWN_DATA_HELP,
  ownDataOptions,
  resolveProjectFlag,
  runOwnDataTestSuite,
} from '../own-data'
import { driftOptionsFrom, requireDate, sharedOptions, withClearErrors } from './report'

export const summary =
  "One day's Evidently-style test suite (data-drift, data-quality, data-stability, no-target, regression)"

const HELP = `Usage: npm run driftdesk -- test-suite --date 2022-02-02
         --preset data-drift|data-quality|data-stability|no-target|regression [--json | --html FILE]
         [--reference-month 2022-01] [--data-dir DIR] [--home DIR] [--database-url URL]

Runs one of Evidently's test presets on one day of trips against the reference month. Each test's condition
comes from the reference (Evidently's rules: ±10 % approx, summary statistics rounded to 2 decimals, …)
unless you give one. Exit code 0 when every test passes (SUCCESS or WARNING), 1 when one fails.
  --condition 'TEST=JSON'      replace a test's condition, e.g. 'TestShareOfDriftedColumns={"lt":0.5}',
                               'TestNumberOfRows={"gt":1000}', 'TestColumnShareOfMissingValues:passenger_count=
                               {"lte":0.2}', approx as {"eq":{"value":2500,"relative":0.1}} (repeatable;
                               operators eq, gt, gte, lt, lte, not_eq, is_in, not_in)
  --non-critical TEST          a failure of TEST (or TEST:column) is a WARNING (repeatable)
  --drift-share X              TestShareOfDriftedColumns' lt (default 0.3)
  --outliers                   also TestShareOfOutliers per numerical feature (driftdesk's; docs/explain.md)
  Stattest options as for \`report\`: --stattest, --num-stattest, --cat-stattest, --per-column-stattest COL=NAME,
  --threshold, --num-threshold, --cat-threshold, --per-column-threshold COL=X, --null-share-drift, --seed N.
${OWN_DATA_HELP}`

/** `driftdesk test-suite`: parses, asks the report service, prints or writes the HTML. */
export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      ...sharedOptions,
      condition: { type: 'string', multiple: true },
      'non-critical': { type: 'string', multiple: true },
      outliers: { type: 'boolean' },
      ...ownDataOptions,
    },
    strict: true,
  })
  if (parsed === null) return 0
  const values = parsed.values
  const preset = (values.preset ?? 'data-drift') as TestSuitePresetName
  if (!testSuitePresetNames.includes(preset)) {
    throw new CliError(
      `--preset must be one of ${testSuitePresetNames.join(', ')}; got '${values.preset}'.`,
      2,
    )
  }
  // A Map, then own keys: a test named '__proto__' must reach the suite's "unknown test" check, not vanish.
  const conditionEntries = new Map<string, TestCondition>()
  for (const text of values.condition ?? []) {
    const at = text.indexOf('=')
    if (at <= 0)
      throw new CliError(
        `--condition takes TEST=JSON, e.g. 'TestNumberOfRows={"gt":100}'; got '${text}'.`,
        2,
      )
    const key = text.slice(0, at)
    try {
      const condition = parseCondition(
        JSON.parse(text.slice(at + 1)) as unknown,
        `--condition ${key}`,
      )
      conditionEntries.set(key, condition)
    } catch (error) {
      throw new CliError(`--condition ${key}: ${(error as Error).message}`, 2)
    }
  }
  const conditions: Record<string, TestCondition> = Object.fromEntries(conditionEntries)
  const drift = driftOptionsFrom(values)
  const html = values.html === undefined ? undefined : new OutputFile(values.html, '--html')
  await html?.checkWritable()
  // --project nyc-taxi is the course: the same as no --project.
  const project = await resolveProjectFlag(context, values, 'test-suite')
  if (project?.kind !== 'course' && isOwnDataRequest(values))
    return runOwnDataTestSuite(
      context,
      values,
      HELP,
      preset,
      {
        drift,
        conditions,
        nonCritical: values['non-critical'] ?? [],
        outliers: values.outliers === true,
        ...(drift.driftShare === undefined ? {} : { driftShare: drift.driftShare }),
      },
      project,
    )
  const date = requireDate(values.date, HELP)
  const config = loadConfig(context.env, {
    homeDir: values.home,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
  })
  const service = new ReportService(config)
  context.stderr.write(`driftdesk test-suite: ${preset} for ${date}…\n`)
  const document = await withClearErrors(() =>
    service.testSuite(preset, date, {
      drift,
      conditions,
      nonCritical: values['non-critical'] ?? [],
      outliers: values.outliers === true,
      ...(drift.driftShare === undefined ? {} : { driftShare: drift.driftShare }),
      ...(values['reference-month'] === undefined
        ? {}
        : { referenceMonth: values['reference-month'] }),
    }),
  )
  if (html !== undefined) {
    // Drift suites carry no distributions; the page shows the drift report's columns under the tests.
    const report =
      preset === 'data-drift' || preset === 'no-target'
        ? await withClearErrors(() =>
            service.report('data-drift', date, {
              drift,
              ...(values['reference-month'] === undefined
                ? {}
                : { referenceMonth: values['reference-month'] }),
            }),
          )
        : undefined
    const written = await html.write(
      await renderReportHtml({ suite: document, ...(report === undefined ? {} : { report }) }),
    )
    context.stderr.write(`Wrote ${written}\n`)
  }
  if (values.json === true) {
    context.stdout.write(`${toEvidentlyJson(document)}\n`)
  } else if (values.html === undefined) {
    const isColor = shouldUseColor(context.stdout as { isTTY?: boolean }, context.env)
    for (const test of document.tests) {
      const description = renderMarkdownForTerminal(test.description, isColor)
      context.stdout.write(`${test.status.padEnd(8)} ${test.name}: ${description}\n`)
    }
    const s = document.summary
    context.stdout.write(
      `${s.success_tests} of ${s.total_tests} tests passed (${Object.entries(s.by_status)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})\n`,
    )
  }
  return document.summary.all_passed ? 0 : 1
}
