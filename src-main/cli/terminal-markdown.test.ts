import { describe, expect, it } from 'vitest'
import { renderMarkdownForTerminal, shouldUseColor } from './terminal-markdown'

// Issue 10: test-suite text output printed raw **markdown**.
describe('renderMarkdownForTerminal', () => {
  const text =
    'The drift score for the feature **trip_distance** is 26. The test threshold is lt=0.1.'
  it('drops the asterisks when not colouring', () => {
    expect(renderMarkdownForTerminal(text, false)).toBe(
      'The drift score for the feature trip_distance is 26. The test threshold is lt=0.1.',
    )
  })
  it('turns bold into ANSI bold on a terminal', () => {
    expect(renderMarkdownForTerminal('a **b** c **d**', true)).toBe(
      'a \u001b[1mb\u001b[22m c \u001b[1md\u001b[22m',
    )
  })
  it('leaves lone asterisks alone', () => {
    expect(renderMarkdownForTerminal('2 * 3 ** 4', false)).toBe('2 * 3 ** 4')
  })
  it('colours only a TTY without NO_COLOR', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true)
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(shouldUseColor({}, {})).toBe(false)
  })
})
