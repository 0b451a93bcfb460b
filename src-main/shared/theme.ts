/**
 * The one colour theme of driftdesk: the panel's CSS variables and charts, and the HTML exports of the
 * panel and the CLI all read these values, so a report looks the same wherever it is opened.
 */
export const THEME_COLORS = {
  background: '#f6f7f9',
  surface: '#ffffff',
  border: '#e3e6eb',
  text: '#1f2937',
  textMuted: '#64748b',
  /** The sidebar of the panel and the header of an export. */
  chrome: '#111827',
  accent: '#4f46e5',
  accentSoft: '#eef2ff',
  success: '#16a34a',
  successSoft: '#dcfce7',
  warning: '#d97706',
  warningSoft: '#fef3c7',
  danger: '#dc2626',
  dangerSoft: '#fee2e2',
  neutral: '#475569',
  neutralSoft: '#f1f3f6',
  /** Reference data in every chart. */
  reference: '#94a3b8',
  /** Current data in every chart. */
  current: '#4f46e5',
  grid: '#e5e7eb',
} as const

export const THEME_FONT_FAMILY = 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
