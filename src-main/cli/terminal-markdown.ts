/**
 * Evidently's test descriptions carry Markdown bold (`The drift score for the feature **trip_distance** is
 * 26.`), which the panel renders. On a terminal the bold becomes ANSI bold; in a pipe, a file or with
 * NO_COLOR set (https://no-color.org) the asterisks are simply dropped. Only `**bold**` occurs in them.
 */
export function renderMarkdownForTerminal(text: string, isColor: boolean): string {
  return text.replace(/\*\*([^*]+)\*\*/g, (_, inner: string) =>
    isColor ? `\u001b[1m${inner}\u001b[22m` : inner,
  )
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty. */
export function shouldUseColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === ''
}
