import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** What the panel remembers between starts (under the app home): only the user's data folder so far. */
export interface PanelSettings {
  readonly dataDir: string | null
}

const EMPTY: PanelSettings = { dataDir: null }

export function panelSettingsPath(homeDir: string): string {
  return join(homeDir, 'panel-settings.json')
}

/** Reads the settings; a missing or unreadable file means defaults (it is recreated on the next save). */
export async function readPanelSettings(homeDir: string): Promise<PanelSettings> {
  try {
    const parsed = JSON.parse(
      await readFile(panelSettingsPath(homeDir), 'utf8'),
    ) as Partial<PanelSettings>
    return { dataDir: typeof parsed.dataDir === 'string' ? parsed.dataDir : null }
  } catch {
    // First start, or a hand-edited file that no longer parses: defaults are safe.
    return EMPTY
  }
}

/** Writes to a temporary name and renames, so a crash never leaves half a file. */
export async function writePanelSettings(homeDir: string, settings: PanelSettings): Promise<void> {
  const path = panelSettingsPath(homeDir)
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(settings, null, 2)}\n`)
  await rename(temporary, path)
}
