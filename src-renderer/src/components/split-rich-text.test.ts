import { describe, expect, it } from 'vitest'
import { splitRichText } from './split-rich-text'

describe('splitRichText', () => {
  it('shows backticks as code and URLs as links (regression: Setup printed them as plain text)', () => {
    expect(
      splitRichText(
        'Start it with `systemctl --user start podman.socket`, see https://podman.io/docs.',
      ),
    ).toEqual([
      { kind: 'text', text: 'Start it with ' },
      { kind: 'code', text: 'systemctl --user start podman.socket' },
      { kind: 'text', text: ', see ' },
      { kind: 'link', text: 'https://podman.io/docs' },
      { kind: 'text', text: '.' },
    ])
  })

  it('keeps an unpaired backtick as text', () => {
    expect(splitRichText('a ` b')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'text', text: '` b' },
    ])
  })
})
