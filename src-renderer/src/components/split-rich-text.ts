export interface RichTextPart {
  readonly kind: 'text' | 'code' | 'link'
  readonly text: string
}

/** A URL ends before whitespace, a closing bracket or quote, and before trailing sentence punctuation. */
const URL_PATTERN = /https?:\/\/[^\s<>"'`)\]]+[^\s<>"'`)\].,;:!?]/g

/**
 * Splits a message into plain text, `code` (between backticks) and http(s) links. Code is taken
 * first, so a URL inside backticks stays code; an unpaired backtick stays text.
 */
export function splitRichText(text: string): RichTextPart[] {
  const parts: RichTextPart[] = []
  const pieces = text.split('`')
  const isPaired = pieces.length % 2 === 1
  pieces.forEach((piece, index) => {
    const isCode = index % 2 === 1 && (isPaired || index < pieces.length - 1)
    if (isCode) parts.push({ kind: 'code', text: piece })
    else pushLinks(parts, index % 2 === 1 ? `\`${piece}` : piece)
  })
  return parts.filter((part) => part.text !== '')
}

function pushLinks(parts: RichTextPart[], text: string): void {
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    parts.push({ kind: 'text', text: text.slice(last, match.index) })
    parts.push({ kind: 'link', text: match[0] })
    last = match.index + match[0].length
  }
  parts.push({ kind: 'text', text: text.slice(last) })
}
