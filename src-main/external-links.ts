import { shell } from 'electron'

/**
 * The one place that opens a link outside the app (lint-enforced). Only web links are opened; a
 * `file:`, `javascript:` or custom-scheme URL from a compromised page is refused.
 */
export function isOpenableExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === ''
  } catch {
    // Unparseable: refuse.
    return false
  }
}

export async function openExternal(url: string): Promise<boolean> {
  if (!isOpenableExternalUrl(url)) return false
  await shell.openExternal(url)
  return true
}
