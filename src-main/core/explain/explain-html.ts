import type { ExplainDocument } from '../../shared/domain/explain'

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function num(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '–'
  if (!Number.isFinite(value)) return String(value)
  return Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(digits - 1)
    : Number(value.toPrecision(digits)).toString()
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(2)} %`
}

const styles = `
.explain table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:10px; overflow:hidden; font-variant-numeric:tabular-nums; }
.explain th, .explain td { padding:6px 10px; border-top:1px solid var(--line); text-align:right; white-space:nowrap; }
.explain th:first-child, .explain td:first-child { text-align:left; }
.explain th { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.explain .bar { display:inline-block; height:10px; border-radius:2px; vertical-align:middle; }
.explain .up { background:var(--fail); } .explain .down { background:var(--cur); }
.explain tr.worst td { background:var(--fail-bg); }
.explain .estimate { color:var(--warn); font-weight:600; }
.explain .FAIL { color:var(--fail); font-weight:600; } .explain .SUCCESS { color:var(--ok); }
`

/**
 * The explanation's sections of the HTML report, as static HTML (no script): the ranked contributions
 * with bars proportional to |contribution|, outlier shares with the suite's verdict, the most extreme
 * rows, the segment table with its worst row highlighted, and the error gap. Escapes every text.
 */
export function renderExplainSections(doc: ExplainDocument): string {
  const parts: string[] = [`<section class="explain"><style>${styles}</style>`]
  parts.push('<h2>Why the prediction moved</h2>')
  const shift = doc.shift
  if (shift === null) {
    parts.push(`<p>${escapeHtml(doc.shiftUnavailable ?? 'No explanation is available.')}</p>`)
  } else {
    const largest = Math.max(...shift.contributions.map((c) => Math.abs(c.contribution)), 1e-300)
    parts.push(
      `<p>Mean prediction ${num(shift.referenceMeanPrediction)} (reference) → ${num(shift.currentMeanPrediction)} (window): shift <b>${num(shift.observedShift)}</b>; the contributions sum to ${num(shift.explainedShift)}.` +
        (shift.isEstimate
          ? ` <span class="estimate">Estimate: a linear surrogate of the model (R² ${num(shift.surrogateR2)} on the reference).</span>`
          : ' Exact: the linear model’s own coefficients, nulls read as 0.') +
        '</p>',
    )
    parts.push(
      '<table><tr><th>Feature</th><th>Contribution</th><th></th><th>Coefficient</th><th>Reference mean</th><th>Window mean</th><th>Nulls (ref → window)</th></tr>',
    )
    for (const c of shift.contributions) {
      const width = Math.round((Math.abs(c.contribution) / largest) * 160)
      parts.push(
        `<tr><td>${escapeHtml(c.feature)}</td><td>${num(c.contribution)}</td><td style="text-align:left"><span class="bar ${c.contribution >= 0 ? 'up' : 'down'}" style="width:${width}px"></span></td><td>${num(c.coefficient)}</td><td>${num(c.referenceMean)}</td><td>${num(c.currentMean)}</td><td>${pct(c.referenceNullShare)} → ${pct(c.currentNullShare)}</td></tr>`,
      )
    }
    parts.push('</table>')
  }
  parts.push('<h2>Outliers</h2>')
  parts.push(
    '<table><tr><th>Column</th><th>Outside fences</th><th>Reference’s own</th><th>Outside reference range</th><th>Fences</th><th>Test</th></tr>',
  )
  doc.outliers.forEach((o, i) => {
    const test = doc.outlierTests[i]
    parts.push(
      `<tr><td>${escapeHtml(o.column)}</td><td>${pct(o.outsideFencesShare)} (${o.outsideFences})</td><td>${pct(o.referenceOutsideFencesShare)}</td><td>${pct(o.outsideRangeShare)} (${o.outsideRange})</td><td>[${num(o.lowerFence)}, ${num(o.upperFence)}]</td><td class="${escapeHtml(test?.status ?? '')}">${escapeHtml(test?.status ?? '')}</td></tr>`,
    )
  })
  parts.push('</table>')
  if (doc.extremeRows.length > 0) {
    const columns = Object.keys(doc.extremeRows[0]?.values ?? {})
    parts.push(
      '<h3>Most extreme rows</h3><table><tr><th>Row</th><th>Column</th><th>IQRs beyond</th>',
    )
    for (const name of columns) parts.push(`<th>${escapeHtml(name)}</th>`)
    parts.push('</tr>')
    for (const row of doc.extremeRows) {
      parts.push(
        `<tr><td>${row.row}</td><td>${escapeHtml(row.column)}</td><td>${num(row.score, 3)}</td>`,
      )
      for (const name of columns) {
        const value = row.values[name]
        parts.push(
          `<td>${typeof value === 'number' ? num(value, 6) : escapeHtml(value ?? '–')}</td>`,
        )
      }
      parts.push('</tr>')
    }
    parts.push('</table>')
  }
  const segments = doc.segments
  if (segments !== null) {
    parts.push(
      `<h2>Segments by ${escapeHtml(segments.column)}${segments.by === 'value' ? '' : ` (${segments.by})`}</h2>`,
    )
    parts.push(
      segments.worst === null
        ? `<p>No segment has ${segments.minRows} rows or more.</p>`
        : `<p>Worst segment: <b>${escapeHtml(segments.worst.segment)}</b> (${segments.worst.metric === 'mae' ? 'MAE' : 'prediction drift'} ${num(segments.worst.value)}; segments of at least ${segments.minRows} rows).</p>`,
    )
    parts.push(
      '<table><tr><th>Segment</th><th>Rows</th><th>Reference rows</th><th>Mean prediction</th><th>Reference mean</th><th>Prediction drift</th><th>MAE</th><th>RMSE</th></tr>',
    )
    for (const s of segments.segments) {
      const isWorst = segments.worst?.segment === s.segment
      parts.push(
        `<tr${isWorst ? ' class="worst"' : ''}><td>${escapeHtml(s.segment)}</td><td>${s.rows}</td><td>${s.referenceRows}</td><td>${num(s.meanPrediction)}</td><td>${num(s.referenceMeanPrediction)}</td><td>${num(s.predictionDrift)}</td><td>${num(s.mae)}</td><td>${num(s.rmse)}</td></tr>`,
      )
    }
    parts.push('</table>')
  }
  if (doc.fairness !== null) {
    const f = doc.fairness
    parts.push(`<h2>Fairness over ${escapeHtml(f.column)}</h2>`)
    parts.push(
      f.best === null
        ? '<p>No group has enough labelled rows to compare.</p>'
        : `<p>MAE from ${num(f.best.mae)} (${escapeHtml(f.best.group)}) to ${num(f.worst?.mae)} (${escapeHtml(f.worst?.group ?? '')}): gap ${num(f.gap)}, ratio ${num(f.ratio)}.</p>`,
    )
  }
  parts.push('</section>')
  return parts.join('\n')
}
