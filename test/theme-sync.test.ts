import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { THEME_COLORS } from '../src-main/shared/theme'

/**
 * The panel's CSS variables and the HTML exports read one theme (`src-main/shared/theme.ts`); a
 * stylesheet cannot import it, so this keeps `styles.css` in step (regression: the exports had other
 * colours than the panel).
 */
describe("the panel stylesheet's colours", () => {
  const css = readFileSync(join(__dirname, '..', 'src-renderer', 'src', 'styles.css'), 'utf8')
  const variable = (name: string): string | undefined =>
    new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css)?.[1]

  it.each([
    ['bg', THEME_COLORS.background],
    ['surface', THEME_COLORS.surface],
    ['border', THEME_COLORS.border],
    ['text', THEME_COLORS.text],
    ['text-muted', THEME_COLORS.textMuted],
    ['accent', THEME_COLORS.accent],
    ['success', THEME_COLORS.success],
    ['warning', THEME_COLORS.warning],
    ['danger', THEME_COLORS.danger],
  ])('take --%s from the shared theme', (name, colour) => {
    expect(variable(name)).toBe(colour)
  })
})
