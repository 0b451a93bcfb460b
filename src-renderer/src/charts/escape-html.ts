const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escapes text for an HTML string. ECharts renders a tooltip `formatter`'s return value as HTML, and
 * column names come from the user's data files, so they are escaped before they go into one.
 * Example: `escapeHtml('<b>fare</b>')` → `'&lt;b&gt;fare&lt;/b&gt;'`.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character)
}
