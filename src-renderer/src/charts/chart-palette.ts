/** The panel's chart colours: calm, distinguishable, and the same in every view. */
export const CHART_COLORS = {
  reference: '#94a3b8',
  current: '#4f46e5',
  predictionDrift: '#4f46e5',
  missingShare: '#0d9488',
  driftedColumns: '#f59e0b',
  threshold: '#dc2626',
  drifted: '#dc2626',
  stable: '#16a34a',
  grid: '#e5e7eb',
  text: '#475569',
} as const

export const CHART_FONT = {
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  color: CHART_COLORS.text,
}
