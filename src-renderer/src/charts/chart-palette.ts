import { THEME_COLORS, THEME_FONT_FAMILY } from '../../../src-main/shared/theme'

/** The panel's chart colours, from the one theme the HTML exports share: the same in every view. */
export const CHART_COLORS = {
  reference: THEME_COLORS.reference,
  current: THEME_COLORS.current,
  predictionDrift: THEME_COLORS.current,
  missingShare: '#0d9488',
  driftedColumns: '#f59e0b',
  estimatedMae: '#7c3aed',
  realizedMae: '#334155',
  threshold: THEME_COLORS.danger,
  drifted: THEME_COLORS.danger,
  stable: THEME_COLORS.success,
  grid: THEME_COLORS.grid,
  text: '#475569',
} as const

export const CHART_FONT = {
  fontFamily: THEME_FONT_FAMILY,
  color: CHART_COLORS.text,
}
