import { loadConfig } from '../../config/app-config'
import { daysInMonth, isoDate, parseIsoDate } from '../../core/pipeline/daily-windows'
import type { ExplainResult } from '../../services/explain/explain-service'
import { ExplainService } from '../../services/explain/explain-service'
import { ProjectFileError } from '../../services/projects/project-file'
import { resolveProject } from '../../services/projects/resolve-project'
import { renderReportHtml } from '../../services/reports/render-report-html'
import { ReportService } from '../../services/reports/report-service'
import type { SegmentBy } from '../../shared/domain/explain'
import { MONTH_PATTERN } from '../../shared/request-guards'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { userDirectory } from '../user-path'
import type { DatabaseSession } from '../database-session'
import { openDatabaseSession } from '../database-session'
import { OutputFile } from '../output-file'
import { parseCommandOptions } from '../parse-command-options'
import { withClearErrors } from './report'

export const summary =
  'Why a day’s prediction moved (per-feature contributions), its outliers and its worst segment'

const HELP = `Usage: npm run driftdesk -- explain --date 2022-02-02 [options]
       npm run driftdesk -- explain --month 2022-02 [options]
       npm run driftdesk -- explain --project NAME|FILE [options]

Why the mean prediction moved against the reference, decomposed exactly into per-feature contributions
(coefficient × shift of the feature's mean, nulls as 0), ranked; the share of each numerical column outside
the reference's Tukey fences and range, with the most extreme rows; and metrics per segment (hour of pickup
by default) with the worst segment. See docs/explain.md.

  --date YYYY-MM-DD        one course day (the reference is the previous month unless --reference-month)
  --month YYYY-MM          every day of a month, one line (or one JSON object) per day
  --project NAME|FILE      a stored project or a project file: every window of its data; its linear model's
                           coefficients come from the file's explain.linear_model, else a surrogate (estimate)
  --segment COL            the column to segment by (default: lpep_pickup_datetime; a project's
                           explain.segment_column); 'none' for no segments
  --by hour|weekday|value  how to segment a timestamp column (default hour)
  --rows 0,5,17            also explain these rows of the day one by one (row indexes within the day)
  --reference-month YYYY-MM
  --json                   JSON on stdout (with --month or --project: one object per line)
  --html FILE              the explanation as a self-contained HTML page (one day or window)
  --data-dir DIR  --home DIR  --database-url URL
`

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      date: { type: 'string' },
      month: { type: 'string' },
      project: { type: 'string' },
      segment: { type: 'string' },
      by: { type: 'string' },
      rows: { type: 'string' },
      'reference-month': { type: 'string' },
      json: { type: 'boolean' },
      html: { type: 'string' },
      'data-dir': { type: 'string' },
      home: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  const by = values.by
  if (by !== undefined && by !== 'hour' && by !== 'weekday' && by !== 'value')
    throw new CliError(`--by must be hour, weekday or value; got '${by}'.`, 2)
  const rows = (values.rows ?? '')
    .split(',')
    .filter((text) => text.trim() !== '')
    .map((text) => {
      const row = Number(text)
      if (!Number.isInteger(row) || row < 0)
        throw new CliError(
          `--rows takes row indexes (0, 1, …) separated by commas; got '${text}'.`,
          2,
        )
      return row
    })
  const segment = values.segment === 'none' ? null : values.segment
  const options = {
    ...(segment === undefined ? {} : { segment }),
    ...(by === undefined ? {} : { segmentBy: by as SegmentBy }),
    ...(values['reference-month'] === undefined
      ? {}
      : { referenceMonth: values['reference-month'] }),
    rows,
  }
  const given = [values.date, values.month, values.project].filter((v) => v !== undefined).length
  if (given !== 1)
    throw new CliError(`Give exactly one of --date, --month or --project.\n\n${HELP}`, 2)
  if (values.month !== undefined && !MONTH_PATTERN.test(values.month))
    throw new CliError(`--month takes YYYY-MM; got '${values.month}'.`, 2)
  const html = values.html === undefined ? undefined : new OutputFile(values.html, '--html')
  if (html !== undefined && values.month !== undefined)
    throw new CliError(
      '--html writes one day: use it with --date (or a --project with one window).',
      2,
    )
  await html?.checkWritable()
  const config = loadConfig(context.env, {
    homeDir: values.home,
    dataDir: values['data-dir'],
    databaseUrl: values['database-url'],
  })
  const service = new ExplainService(new ReportService(config))

  if (values.project !== undefined) {
    let session: DatabaseSession | null = null
    try {
      const project = await resolveProject(
        values.project,
        async () => {
          session = await openDatabaseSession(context, config, 'driftdesk explain')
          return session.database.pool
        },
        userDirectory(context.env),
      ).catch((error: unknown) => {
        if (error instanceof ProjectFileError) throw new CliError(error.message, 1)
        throw error
      })
      if (project.kind === 'course')
        throw new CliError(
          'The course project is explained by day: use --date YYYY-MM-DD or --month YYYY-MM instead of --project nyc-taxi.',
          2,
        )
      const outcomes = await withClearErrors(() =>
        service.explainProject(project.definition, project.request, options),
      )
      if (html !== undefined) {
        const first = outcomes.find((o) => o.document !== undefined)
        if (first?.document === undefined)
          throw new CliError('No window of the project has rows to explain.', 1)
        context.stderr.write(
          `Wrote ${await html.write(await pageOf(first.document, project.name))}\n`,
        )
      }
      for (const outcome of outcomes) {
        if (values.json === true) {
          context.stdout.write(`${JSON.stringify(outcome)}\n`)
        } else if (html === undefined) {
          context.stdout.write(
            outcome.document === undefined
              ? `${outcome.window}: ${outcome.error ?? 'no result'}\n`
              : describeExplanation(outcome.document),
          )
        }
      }
      return 0
    } finally {
      await (session as DatabaseSession | null)?.close()
    }
  }

  if (values.month !== undefined) {
    const month = values.month
    const first = `${month}-01`
    for (let i = 0; i < daysInMonth(month); i++) {
      const date = isoDate(parseIsoDate(first) + i * 86_400_000)
      const result = await withClearErrors(() => service.explainCourseDay(date, options)).catch(
        (error: unknown) => {
          // A day without trips (or a missing file) is said and the month goes on.
          if (error instanceof CliError) {
            context.stderr.write(`${date}: ${error.message}\n`)
            return null
          }
          throw error
        },
      )
      if (result === null) continue
      context.stdout.write(
        values.json === true ? `${JSON.stringify(result)}\n` : describeDayLine(result),
      )
    }
    return 0
  }

  const date = values.date as string
  context.stderr.write(`driftdesk explain: ${date}…\n`)
  const result = await withClearErrors(() => service.explainCourseDay(date, options))
  if (html !== undefined)
    context.stderr.write(`Wrote ${await html.write(await pageOf(result, date))}\n`)
  if (values.json === true) context.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  else if (html === undefined) context.stdout.write(describeExplanation(result))
  return 0
}

function pageOf(result: ExplainResult, name: string): Promise<string> {
  return renderReportHtml({
    explain: result.document,
    title: `Why the prediction moved — ${name} (${result.document.project})`,
  })
}

function fmt(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '-'
  return Number.isFinite(value) ? Number(value.toPrecision(digits)).toString() : String(value)
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${(value * 100).toFixed(2)}%`
}

/** One line per day for `--month`: the shift, its largest contributor, the worst outlier column and segment. */
function describeDayLine({ document: doc }: ExplainResult): string {
  const top = doc.shift?.contributions[0]
  const worstOutliers = [...doc.outliers].sort(
    (a, b) => (b.outsideFencesShare ?? 0) - (a.outsideFencesShare ?? 0),
  )[0]
  const failed = doc.outlierTests.filter((t) => t.status === 'FAIL').map((t) => t.column)
  return (
    `${doc.window}  rows ${doc.currentRows}  shift ${fmt(doc.shift?.observedShift)}` +
    `${top === undefined ? '' : `  top ${top.feature} ${fmt(top.contribution)}`}` +
    `${worstOutliers === undefined ? '' : `  outliers ${worstOutliers.column} ${pct(worstOutliers.outsideFencesShare)}`}` +
    `${failed.length === 0 ? '' : `  (FAIL: ${failed.join(', ')})`}` +
    `${doc.segments?.worst == null ? '' : `  worst ${doc.segments.column}=${doc.segments.worst.segment} ${doc.segments.worst.metric} ${fmt(doc.segments.worst.value)}`}\n`
  )
}

/** The full text view of one explanation. */
export function describeExplanation({ document: doc, rows }: ExplainResult): string {
  const lines: string[] = [
    `${doc.project} ${doc.window}: ${doc.currentRows} rows vs ${doc.referenceRows} reference rows`,
    '',
  ]
  const shift = doc.shift
  if (shift === null)
    lines.push(`Why the prediction moved: ${doc.shiftUnavailable ?? 'unavailable'}`)
  else {
    lines.push(
      `Why the prediction moved: mean ${fmt(shift.referenceMeanPrediction)} → ${fmt(shift.currentMeanPrediction)} (shift ${fmt(shift.observedShift)}; contributions sum to ${fmt(shift.explainedShift)})` +
        (shift.isEstimate ? `  ESTIMATE: linear surrogate, R² ${fmt(shift.surrogateR2)}` : ''),
    )
    for (const c of shift.contributions)
      lines.push(
        `  ${c.feature.padEnd(22)} ${fmt(c.contribution).padStart(12)}   coef ${fmt(c.coefficient)}  mean ${fmt(c.referenceMean)} → ${fmt(c.currentMean)}  nulls ${pct(c.referenceNullShare)} → ${pct(c.currentNullShare)}`,
      )
  }
  lines.push('', 'Outliers (outside the reference Tukey fences / outside its range):')
  doc.outliers.forEach((o, i) => {
    lines.push(
      `  ${o.column.padEnd(22)} ${pct(o.outsideFencesShare).padStart(8)} (ref ${pct(o.referenceOutsideFencesShare)})  range ${pct(o.outsideRangeShare).padStart(8)}  fences [${fmt(o.lowerFence)}, ${fmt(o.upperFence)}]  ${doc.outlierTests[i]?.status ?? ''}`,
    )
  })
  if (doc.extremeRows.length > 0) {
    lines.push('', 'Most extreme rows:')
    for (const row of doc.extremeRows)
      lines.push(
        `  row ${String(row.row).padStart(5)}  ${row.column} ${fmt(row.score, 3)} IQRs beyond  ${Object.entries(
          row.values,
        )
          .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v, 6) : (v ?? 'null')}`)
          .join(' ')}`,
      )
  }
  const segments = doc.segments
  if (segments !== null) {
    lines.push(
      '',
      `Segments by ${segments.column}${segments.by === 'value' ? '' : ` (${segments.by})`}:`,
    )
    lines.push(
      `  ${'segment'.padEnd(12)} ${'rows'.padStart(6)} ${'ref rows'.padStart(8)} ${'mean pred'.padStart(10)} ${'ref mean'.padStart(10)} ${'drift'.padStart(8)} ${'MAE'.padStart(8)} ${'RMSE'.padStart(8)}`,
    )
    for (const s of segments.segments)
      lines.push(
        `  ${s.segment.padEnd(12)} ${String(s.rows).padStart(6)} ${String(s.referenceRows).padStart(8)} ${fmt(s.meanPrediction).padStart(10)} ${fmt(s.referenceMeanPrediction).padStart(10)} ${fmt(s.predictionDrift).padStart(8)} ${fmt(s.mae).padStart(8)} ${fmt(s.rmse).padStart(8)}`,
      )
    lines.push(
      segments.worst === null
        ? `  No segment has ${segments.minRows} rows or more.`
        : `  Worst segment: ${segments.worst.segment} (${segments.worst.metric} ${fmt(segments.worst.value)}; segments of ≥ ${segments.minRows} rows)`,
    )
  }
  if (doc.fairness !== null) {
    const f = doc.fairness
    lines.push(
      '',
      f.best === null
        ? `Fairness over ${f.column}: no group has enough labelled rows.`
        : `Fairness over ${f.column}: MAE ${fmt(f.best.mae)} (${f.best.group}) to ${fmt(f.worst?.mae)} (${f.worst?.group}); gap ${fmt(f.gap)}, ratio ${fmt(f.ratio)}`,
    )
  }
  for (const row of rows) {
    lines.push('', `Row ${row.row}: prediction ${fmt(row.prediction)}`)
    for (const c of row.contributions)
      lines.push(
        `  ${c.feature.padEnd(22)} ${fmt(c.contribution).padStart(12)}  (value ${c.value === null ? 'null → 0' : fmt(c.value, 6)})`,
      )
  }
  return `${lines.join('\n')}\n`
}
