import { loadConfig } from '../../config/app-config'
import type { CourseMonthEstimate } from '../../services/estimate/course-performance-estimate'
import {
  estimateCourseMonth,
  fitCourseEstimator,
} from '../../services/estimate/course-performance-estimate'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { CliContext } from '../cli-context'
import { CliError, toCliError } from '../cli-context'
import { parseCommandOptions } from '../parse-command-options'
import { locateMonthFile } from './backfill'

export const summary =
  "Estimate each day's MAE without labels (Direct Loss Estimation) and compare it with the realized MAE"

const HELP = `Usage: npm run driftdesk -- estimate --month 2022-03 [--reference-month 2022-01] [--json] [--data-dir DIR] [--home DIR]

Fits NannyML-style Direct Loss Estimation on the reference month: a regression tree (ml-cart) of the
course model's absolute error |duration - prediction| on its six features and its prediction, learned
from the reference month's trips the model did not train on. For every day of --month it prints the MAE
estimated from the features alone with its 95 % band, the realized MAE (what the backfill stores), and at
the end the mean absolute deviation of the estimate and of the naive estimate (the reference's MAE every
day) from the realized MAE. Needs no database. See docs/performance-estimation.md.
  --month YYYY-MM            the month to estimate (every day of it)
  --reference-month YYYY-MM  the model's and the estimator's month (default 2022-01)
  --json                     one JSON object on stdout: the days and both deviations
  --data-dir DIR             read the TLC files from DIR (default: the download cache; missing files are fetched)
  --home DIR                 driftdesk's state folder, where the trained model is saved (or DRIFTDESK_HOME)
`

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      month: { type: 'string' },
      'reference-month': { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  const month = values.month
  const referenceMonth = values['reference-month'] ?? '2022-01'
  if (month === undefined || !MONTH_PATTERN.test(month)) {
    throw new CliError(`--month YYYY-MM is required (got '${month ?? ''}').\n\n${HELP}`, 2)
  }
  if (!MONTH_PATTERN.test(referenceMonth)) {
    throw new CliError(`--reference-month must be YYYY-MM (got '${referenceMonth}').\n\n${HELP}`, 2)
  }
  const config = loadConfig(context.env, { homeDir: values.home, dataDir: values['data-dir'] })
  try {
    const [referenceFile, monthFile] = await Promise.all([
      locateMonthFile(config, referenceMonth, context.signal, context.stderr),
      locateMonthFile(config, month, context.signal, context.stderr),
    ])
    context.stderr.write(
      `Fitting the estimator on ${referenceMonth}'s trips the model did not train on…\n`,
    )
    const fitted = await fitCourseEstimator(config, referenceMonth, referenceFile)
    const result = await estimateCourseMonth(config, fitted, month, monthFile)
    context.stdout.write(
      values.json === true ? `${JSON.stringify(toJson(result))}\n` : toText(result),
    )
    return 0
  } catch (error) {
    throw toCliError(error)
  }
}

function toJson(result: CourseMonthEstimate): Record<string, unknown> {
  return {
    month: result.month,
    reference_month: result.referenceMonth,
    held_out_rows: result.heldOutRows,
    nanny_rows: result.fitRows,
    calibration_rows: result.calibrationRows,
    reference_mae: result.referenceMae,
    course_reference_mae: result.courseReferenceMae,
    days: result.days.map((day) => ({
      date: day.date,
      rows: day.rows,
      estimated_mae: day.estimatedMae,
      estimated_mae_lower: day.lower,
      estimated_mae_upper: day.upper,
      realized_mae: day.realizedMae,
    })),
    estimate_deviation: result.deviation.estimateDeviation,
    naive_deviation: result.deviation.naiveDeviation,
    improvement: result.deviation.improvement,
    course_naive_deviation: result.courseNaiveDeviation,
    band_coverage: result.deviation.bandCoverage,
  }
}

function toText(result: CourseMonthEstimate): string {
  const d = result.deviation
  const lines = [
    `MAE estimated without labels for ${result.month}, model and estimator from ${result.referenceMonth} ` +
      `(${result.heldOutRows} held-out trips: nanny on ${result.fitRows}, spread on ${result.calibrationRows})`,
    `${'date'.padEnd(12)}${'rows'.padStart(6)}${'estimated'.padStart(11)}${'95 % band'.padStart(18)}${'realized'.padStart(10)}`,
    ...result.days.map(
      (day) =>
        `${day.date.padEnd(12)}${String(day.rows).padStart(6)}${day.estimatedMae.toFixed(2).padStart(11)}` +
        `${`[${day.lower.toFixed(2)}, ${day.upper.toFixed(2)}]`.padStart(18)}` +
        `${(day.realizedMae === null ? '-' : day.realizedMae.toFixed(2)).padStart(10)}`,
    ),
    `mean |estimated - realized|: ${d.estimateDeviation.toFixed(3)} min over ${d.windows} days`,
    `naive (reference MAE ${result.referenceMae.toFixed(3)} every day): ${d.naiveDeviation.toFixed(3)} min — the estimate is ${(d.improvement * 100).toFixed(1)} % ${d.improvement >= 0 ? 'lower' : 'HIGHER'}`,
    `naive (the course's filtered reference MAE ${result.courseReferenceMae.toFixed(3)}): ${result.courseNaiveDeviation.toFixed(3)} min`,
    `band coverage: ${(d.bandCoverage * 100).toFixed(0)} % of days (stated 95 %)`,
  ]
  return `${lines.join('\n')}\n`
}
