import type {
  ReportDocument,
  ReportPresetName,
  TestSuiteDocument,
  TestSuitePresetName,
} from '../../shared/domain/reports'
import type { ExplainDocument } from '../../shared/domain/explain'
import { renderExplainSections } from '../explain/explain-html'
import { REPORT_PRESET_LABELS, TEST_SUITE_PRESET_LABELS } from '../../shared/domain/reports'
import { THEME_COLORS, THEME_FONT_FAMILY } from '../../shared/theme'
import { toEvidentlyJson } from './evidently-json'

/** What one HTML page shows: a report, a test suite, or both (suite first). */
export interface ReportHtmlInput {
  readonly report?: ReportDocument
  readonly suite?: TestSuiteDocument
  /** Why the prediction moved, outliers and segments (issue #13), drawn after the report. */
  readonly explain?: ExplainDocument
  /** The ECharts browser build, inlined so the page needs no network when viewed. */
  readonly echartsSource: string
  readonly title?: string
}

/**
 * One self-contained HTML page for a report and/or test suite: summary first (dataset drift or test counts),
 * then the tests coloured by status, then one card per column with reference-vs-current distributions drawn by
 * ECharts. The data is embedded as JSON (Evidently's dict shape, non-finite numbers as strings) and drawn by a
 * small inline script; nothing is fetched at view time.
 * @throws {RangeError} when neither a report nor a suite is given.
 */
export function renderReportHtmlPage(input: ReportHtmlInput): string {
  if (input.report === undefined && input.suite === undefined && input.explain === undefined) {
    throw new RangeError('An HTML page needs a report, a test suite or an explanation.')
  }
  // A test suite's page is titled by the suite, even when the report behind it is included.
  const context = input.suite?.context ?? input.report?.context
  const title =
    input.title ??
    `${presetTitle(context?.preset)}${context === undefined ? '' : ` — ${context.date} vs ${context.referenceMonth}`}`
  const payload = toEvidentlyJson({ report: input.report ?? null, suite: input.suite ?? null })
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body>
<header>
  <div class="brand">driftdesk</div>
  <h1>${escapeHtml(title)}</h1>
  ${context === undefined ? '' : `<p class="meta">Current: ${escapeHtml(context.date)} (${context.currentRows} rows) · Reference: ${escapeHtml(context.referenceMonth)} (${context.referenceRows} rows) · Evidently 0.4 semantics</p>`}
</header>
<main id="app"></main>
${input.explain === undefined ? '' : `<main>${renderExplainSections(input.explain)}</main>`}
<script type="application/json" id="data">${escapeScriptJson(payload)}</script>
<script>${escapeScriptCode(input.echartsSource)}</script>
<script>${pageScript}</script>
</body>
</html>
`
}

/**
 * The panel's own names: `report:data-drift` → `Data drift report`, `report:course` → `Course metrics
 * report`, `test-suite:no-target` → `No target performance test suite`.
 */
export function presetTitle(preset: string | undefined): string {
  if (preset === undefined) return 'driftdesk report'
  const [kind = '', name = ''] = preset.split(':')
  if (kind === 'test-suite') {
    const label = TEST_SUITE_PRESET_LABELS[name as TestSuitePresetName] ?? name.replace(/-/g, ' ')
    return `${label} test suite`
  }
  const label = REPORT_PRESET_LABELS[name as ReportPresetName] ?? name.replace(/-/g, ' ')
  return `${label} report`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** JSON inside a script element: `<` escaped so no `</script>` can close it early. */
function escapeScriptJson(json: string): string {
  return json.replace(/</g, '\\u003c')
}

function escapeScriptCode(code: string): string {
  return code.replace(/<\/script/gi, '<\\/script')
}

const styles = `
:root { --bg:${THEME_COLORS.background}; --card:${THEME_COLORS.surface}; --ink:${THEME_COLORS.text}; --muted:${THEME_COLORS.textMuted}; --line:${THEME_COLORS.border};
  --ok:${THEME_COLORS.success}; --ok-bg:${THEME_COLORS.successSoft}; --fail:${THEME_COLORS.danger}; --fail-bg:${THEME_COLORS.dangerSoft};
  --warn:${THEME_COLORS.warning}; --warn-bg:${THEME_COLORS.warningSoft}; --err:${THEME_COLORS.danger}; --err-bg:${THEME_COLORS.dangerSoft};
  --skip:${THEME_COLORS.neutral}; --skip-bg:${THEME_COLORS.neutralSoft}; --ref:${THEME_COLORS.reference}; --cur:${THEME_COLORS.current};
  --chrome:${THEME_COLORS.chrome}; --accent:${THEME_COLORS.accent}; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 ${THEME_FONT_FAMILY.replace(/"/g, "'")}; color:var(--ink); background:var(--bg); }
header { padding:24px 32px 16px; background:var(--chrome); color:#fff; border-bottom:3px solid var(--accent); }
header h1 { margin:4px 0 6px; font-size:22px; font-weight:600; }
.brand { font-size:12px; letter-spacing:.12em; text-transform:uppercase; opacity:.75; }
.meta { margin:0; opacity:.85; font-size:13px; }
main { padding:20px 32px 48px; max-width:1280px; margin:0 auto; }
h2 { font-size:17px; margin:28px 0 12px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(180px,1fr)); gap:12px; }
.stat { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.stat .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.05em; }
.stat .value { font-size:24px; font-weight:650; margin-top:4px; }
.stat.bad .value { color:var(--fail); } .stat.good .value { color:var(--ok); }
.tests { background:var(--card); border:1px solid var(--line); border-radius:10px; overflow:hidden; }
.test { display:grid; grid-template-columns:96px 1fr; gap:12px; padding:10px 16px; border-top:1px solid var(--line); align-items:start; }
.test:first-child { border-top:0; }
.badge { display:inline-block; font-size:11px; font-weight:700; letter-spacing:.04em; padding:3px 8px; border-radius:999px; text-align:center; }
.SUCCESS { color:var(--ok); background:var(--ok-bg); } .FAIL { color:var(--fail); background:var(--fail-bg); }
.WARNING { color:var(--warn); background:var(--warn-bg); } .ERROR { color:var(--err); background:var(--err-bg); }
.SKIPPED { color:var(--skip); background:var(--skip-bg); }
.test .name { font-weight:600; } .test .desc { color:#344054; }
.columns { display:grid; grid-template-columns:repeat(auto-fill,minmax(min(380px,100%),1fr)); gap:14px; }
@media (max-width:600px) { header { padding:18px 14px 12px; } main { padding:14px 12px 32px; } .test { grid-template-columns:80px minmax(0,1fr); } }
.column { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.column h3 { margin:0 0 2px; font-size:15px; display:flex; justify-content:space-between; gap:8px; align-items:center; }
.column .sub { color:var(--muted); font-size:12px; margin-bottom:6px; }
.chart { height:220px; }
table.kv { width:100%; border-collapse:collapse; font-size:12.5px; margin-top:6px; }
table.kv td, table.kv th { padding:3px 6px; border-bottom:1px solid var(--line); text-align:right; }
table.kv td:first-child, table.kv th:first-child { text-align:left; color:var(--muted); }
.error { color:var(--err); }
footer { color:var(--muted); font-size:12px; margin-top:32px; }
`

/** The page's drawing code (runs in the browser; plain ES2017, no imports). */
const pageScript = `
(function () {
  var REF = '${THEME_COLORS.reference}', CUR = '${THEME_COLORS.current}';
  var data = JSON.parse(document.getElementById('data').textContent);
  var app = document.getElementById('app');
  var charts = [], pending = [];
  function el(tag, cls, html) { var e = document.createElement(tag); if (cls) e.className = cls; if (html !== undefined) e.innerHTML = html; return e; }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function md(s) { return esc(s).replace(/\\*\\*(.+?)\\*\\*/g, '<b>$1</b>'); }
  function num(v, d) { if (v === null || v === undefined) return '–'; if (typeof v !== 'number') return esc(v); if (Number.isInteger(v)) return String(v); return Number(v.toPrecision(d || 4)).toString(); }
  function stat(label, value, tone) { var s = el('div', 'stat' + (tone ? ' ' + tone : '')); s.appendChild(el('div', 'label', esc(label))); s.appendChild(el('div', 'value', value)); return s; }
  function section(title) { app.appendChild(el('h2', null, esc(title))); }
  function chart(container, option) {
    var div = el('div', 'chart'); container.appendChild(div);
    option.animation = false;
    option.grid = option.grid || { left: 52, right: 16, top: 30, bottom: 28, containLabel: false };
    option.tooltip = option.tooltip || { trigger: 'axis' };
    option.legend = Object.assign({ top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } }, option.legend || {});
    pending.push([div, option]);
  }
  // Charts are drawn once the page is laid out: a container still outside the document has no width.
  function drawPending() {
    pending.forEach(function (p) { var c = echarts.init(p[0], null, { renderer: 'canvas' }); c.setOption(p[1]); charts.push(c); });
  }
  function distributionChart(container, reference, current, kind) {
    if (!current || !current.x || current.x.length === 0) { container.appendChild(el('div', 'sub', 'No distribution to draw.')); return; }
    var labels, ref, cur;
    if (kind === 'num') {
      // Reference and current have their own bin edges, so both are drawn as step areas on one value axis.
      var steps = function (d) { var pts = []; if (!d || !d.x) return pts; for (var i = 0; i < d.y.length; i++) { pts.push([d.x[i], d.y[i]]); } if (d.x.length) pts.push([d.x[d.x.length - 1], d.y[d.y.length - 1] || 0]); return pts; };
      chart(container, { xAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
        yAxis: { type: 'value', name: 'density', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 } },
        series: [ { name: 'reference', type: 'line', step: 'end', symbol: 'none', data: steps(reference), lineStyle: { color: REF, width: 1.5 }, itemStyle: { color: REF }, areaStyle: { color: REF, opacity: 0.25 } },
                  { name: 'current', type: 'line', step: 'end', symbol: 'none', data: steps(current), lineStyle: { color: CUR, width: 1.5 }, itemStyle: { color: CUR }, areaStyle: { color: CUR, opacity: 0.25 } } ] });
      return;
    }
    var total = function (a) { var s = 0; for (var k = 0; k < a.length; k++) s += a[k]; return s || 1; };
    var order = current.x.map(function (_, k) { return k; });
    var cy = current.y, ry = reference ? reference.y : current.y.map(function () { return 0; });
    order.sort(function (a, b) { return (ry[b] / total(ry) + cy[b] / total(cy)) - (ry[a] / total(ry) + cy[a] / total(cy)); });
    order = order.slice(0, 25);
    labels = order.map(function (k) { return String(current.x[k]); });
    ref = order.map(function (k) { return ry[k] / total(ry); }); cur = order.map(function (k) { return cy[k] / total(cy); });
    chart(container, { grid: { left: 52, right: 16, top: 30, bottom: labels.length > 12 ? 44 : 28 }, xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 10, rotate: labels.length > 12 ? 60 : 0 } },
      yAxis: { type: 'value', name: 'share', nameTextStyle: { fontSize: 10 }, axisLabel: { fontSize: 10 } },
      series: [ { name: 'reference', type: 'bar', data: ref, itemStyle: { color: REF } }, { name: 'current', type: 'bar', data: cur, itemStyle: { color: CUR } } ] });
  }
  function renderSuite(suite) {
    section('Test suite');
    var s = suite.summary, cards = el('div', 'cards');
    cards.appendChild(stat('Result', s.all_passed ? 'Passed' : 'Failed', s.all_passed ? 'good' : 'bad'));
    cards.appendChild(stat('Tests', String(s.total_tests)));
    Object.keys(s.by_status).forEach(function (k) { cards.appendChild(stat(k, '<span class="badge ' + k + '">' + s.by_status[k] + '</span>')); });
    app.appendChild(cards);
    section('Tests');
    var list = el('div', 'tests');
    suite.tests.forEach(function (t) {
      var row = el('div', 'test');
      row.appendChild(el('div', null, '<span class="badge ' + esc(t.status) + '">' + esc(t.status) + '</span>'));
      row.appendChild(el('div', null, '<div class="name">' + esc(t.name) + (t.parameters && t.parameters.column_name ? ' · ' + esc(t.parameters.column_name) : '') + '</div><div class="desc">' + md(t.description) + '</div>'));
      list.appendChild(row);
    });
    app.appendChild(list);
  }
  function renderDrift(dataset, table) {
    section('Data drift');
    var cards = el('div', 'cards');
    cards.appendChild(stat('Dataset drift', dataset.dataset_drift ? 'Detected' : 'Not detected', dataset.dataset_drift ? 'bad' : 'good'));
    cards.appendChild(stat('Drifted columns', dataset.number_of_drifted_columns + ' / ' + dataset.number_of_columns));
    cards.appendChild(stat('Share drifted', num(dataset.share_of_drifted_columns, 3)));
    cards.appendChild(stat('Drift share threshold', num(dataset.drift_share)));
    app.appendChild(cards);
    section('Columns');
    var grid = el('div', 'columns');
    Object.keys(table.drift_by_columns).forEach(function (name) {
      var c = table.drift_by_columns[name], card = el('div', 'column');
      var status = c.error ? 'ERROR' : (c.drift_detected ? 'FAIL' : 'SUCCESS'), label = c.error ? 'error' : (c.drift_detected ? 'drift' : 'no drift');
      card.appendChild(el('h3', null, esc(name) + ' <span class="badge ' + status + '">' + label + '</span>'));
      card.appendChild(el('div', 'sub', esc(c.column_type === 'num' ? 'numerical' : 'categorical') + ' · ' + esc(c.stattest_name) + ' = <b>' + num(c.drift_score, 4) + '</b> (threshold ' + num(c.stattest_threshold) + ')' + (c.null_share_drift ? ' · null share ' + num(c.null_share_drift.reference_share, 3) + ' → ' + num(c.null_share_drift.current_share, 3) : '')));
      if (c.error) card.appendChild(el('div', 'error', esc(c.error)));
      else distributionChart(card, c.reference.small_distribution, c.current.small_distribution, c.column_type);
      grid.appendChild(card);
    });
    app.appendChild(grid);
  }
  function renderSummaries(metrics) {
    var ds = metrics.filter(function (m) { return m.metric === 'DatasetSummaryMetric'; })[0];
    if (ds) {
      section('Dataset');
      var cur = ds.result.current, ref = ds.result.reference, cards = el('div', 'cards');
      cards.appendChild(stat('Rows', num(cur.number_of_rows) + (ref ? ' <small>(ref ' + num(ref.number_of_rows) + ')</small>' : '')));
      cards.appendChild(stat('Columns', num(cur.number_of_columns)));
      cards.appendChild(stat('Missing cells', num(cur.number_of_missing_values)));
      cards.appendChild(stat('Constant columns', num(cur.number_of_constant_columns)));
      cards.appendChild(stat('Duplicated rows', num(cur.number_of_duplicated_rows)));
      var mv = metrics.filter(function (m) { return m.metric === 'DatasetMissingValuesMetric'; })[0];
      if (mv) cards.appendChild(stat('Share missing', num(mv.result.current.share_of_missing_values, 3)));
      app.appendChild(cards);
    }
    var cols = metrics.filter(function (m) { return m.metric === 'ColumnSummaryMetric'; });
    if (cols.length === 0) return;
    section('Columns');
    var grid = el('div', 'columns');
    cols.forEach(function (m) {
      var r = m.result, card = el('div', 'column');
      card.appendChild(el('h3', null, esc(r.column_name) + ' <span class="badge SKIPPED">' + esc(r.column_type) + '</span>'));
      var c = r.current_characteristics || {}, f = r.reference_characteristics || {};
      var keys = ['count', 'missing', 'unique', 'most_common', 'mean', 'std', 'min', 'p50', 'max', 'first', 'last'].filter(function (k) { return k in c || k in f; });
      var rows = keys.map(function (k) { return '<tr><td>' + k + '</td><td>' + num(c[k]) + '</td><td>' + num(f[k]) + '</td></tr>'; }).join('');
      card.appendChild(el('table', 'kv', '<tr><th></th><th>current</th><th>reference</th></tr>' + rows));
      if (r.error) card.appendChild(el('div', 'error', esc(r.error)));
      if (r.plot_data && r.plot_data.current && r.plot_data.current.x.length > 0) distributionChart(card, r.plot_data.reference, r.plot_data.current, r.column_type === 'cat' ? 'cat' : 'num');
      grid.appendChild(card);
    });
    app.appendChild(grid);
  }
  function renderRegression(metrics) {
    var q = metrics.filter(function (m) { return m.metric === 'RegressionQualityMetric'; })[0];
    if (!q) return;
    var names = q.result.columns.utility_columns || q.result.columns;
    section('Regression quality: ' + names.prediction + ' vs ' + names.target);
    var cur = q.result.current, ref = q.result.reference || {}, cards = el('div', 'cards');
    [['ME', 'mean_error'], ['MAE', 'mean_abs_error'], ['RMSE', 'rmse'], ['MAPE', 'mean_abs_perc_error'], ['R²', 'r2_score'], ['Max |error|', 'abs_error_max']].forEach(function (p) {
      cards.appendChild(stat(p[0], num(cur[p[1]], 4) + ' <small>(ref ' + num(ref[p[1]], 4) + ')</small>'));
    });
    app.appendChild(cards);
    var dist = metrics.filter(function (m) { return m.metric === 'RegressionErrorDistribution'; })[0];
    var grid = el('div', 'columns');
    if (dist) { var card = el('div', 'column'); card.appendChild(el('h3', null, 'Error distribution (prediction − target)')); distributionChart(card, dist.result.reference_bins, dist.result.current_bins, 'num'); grid.appendChild(card); }
    metrics.filter(function (m) { return m.metric === 'RegressionPerformanceBySegment'; }).forEach(function (m) {
      var card = el('div', 'column'); card.appendChild(el('h3', null, 'MAE by ' + esc(m.result.segment_column) + (m.result.segment_kind === 'hour' ? ' (hour)' : '')));
      var segs = m.result.segments.slice(0, 40);
      chart(card, { legend: { show: false }, xAxis: { type: 'category', data: segs.map(function (s) { return String(s.segment); }), axisLabel: { fontSize: 10 } }, yAxis: { type: 'value', name: 'MAE', axisLabel: { fontSize: 10 } },
        series: [{ type: 'bar', name: 'MAE', data: segs.map(function (s) { return s.mean_abs_error; }), itemStyle: { color: CUR } }] });
      grid.appendChild(card);
    });
    app.appendChild(grid);
  }
  function renderQuantiles(metrics) {
    var qs = metrics.filter(function (m) { return m.metric === 'ColumnQuantileMetric'; });
    if (qs.length === 0) return;
    section('Quantiles'); var cards = el('div', 'cards');
    qs.forEach(function (m) { cards.appendChild(stat('q' + m.result.quantile + ' of ' + m.result.column_name, num(m.result.current.value, 5) + (m.result.reference ? ' <small>(ref ' + num(m.result.reference.value, 5) + ')</small>' : ''))); });
    app.appendChild(cards);
  }
  if (data.suite) renderSuite(data.suite);
  if (data.report) {
    var metrics = data.report.metrics;
    var dd = metrics.filter(function (m) { return m.metric === 'DatasetDriftMetric'; })[0];
    var dt = metrics.filter(function (m) { return m.metric === 'DataDriftTable'; })[0];
    var cd = metrics.filter(function (m) { return m.metric === 'ColumnDriftMetric'; });
    if (dd && dt) renderDrift(dd.result, dt.result);
    else if (dd && cd.length) { var byColumn = {}; cd.forEach(function (m) { byColumn[m.result.column_name] = m.result; }); renderDrift(dd.result, { drift_by_columns: byColumn }); }
    var mvOnly = metrics.filter(function (m) { return m.metric === 'DatasetMissingValuesMetric'; })[0];
    if (mvOnly && !metrics.some(function (m) { return m.metric === 'DatasetSummaryMetric'; })) {
      section('Missing values'); var mc = el('div', 'cards'), cm = mvOnly.result.current, rm = mvOnly.result.reference;
      mc.appendChild(stat('Share of missing cells', num(cm.share_of_missing_values, 4) + (rm ? ' <small>(ref ' + num(rm.share_of_missing_values, 4) + ')</small>' : '')));
      mc.appendChild(stat('Missing cells', num(cm.number_of_missing_values)));
      mc.appendChild(stat('Rows with missing', num(cm.number_of_rows_with_missing_values)));
      mc.appendChild(stat('Columns with missing', num(cm.number_of_columns_with_missing_values) + ' / ' + num(cm.number_of_columns)));
      app.appendChild(mc);
    }
    renderSummaries(metrics); renderRegression(metrics); renderQuantiles(metrics);
  }
  app.appendChild(el('footer', null, 'Generated by driftdesk. Metric and field names follow Evidently 0.4 (Report.as_dict / TestSuite.as_dict). Charts: reference in grey, current in indigo, as in the panel.'));
  drawPending();
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  window.__driftdeskChartsReady = charts.length;
})();
`
