import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isLoopbackPortFree } from '../adapters/network/port-availability'

/**
 * Browser mode's port, kept between starts (issue 10: every `npm start` picked a new random port, so a
 * bookmarked or still-open tab pointed at nothing). The file is `<home>/browser-mode.json`.
 */
export function rememberedPortPath(homeDir: string): string {
  return join(homeDir, 'browser-mode.json')
}

/**
 * The port of the last start when it is still free on 127.0.0.1, else 0 (the system picks one). A missing
 * or unreadable file also means 0: the next start writes it again.
 */
export async function choosePanelPort(
  homeDir: string,
  isFree: (port: number) => Promise<boolean> = isLoopbackPortFree,
): Promise<number> {
  let port: unknown
  try {
    port = (JSON.parse(await readFile(rememberedPortPath(homeDir), 'utf8')) as { port?: unknown })
      .port
  } catch {
    // First start, or a file that no longer parses: any free port will do.
    return 0
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port >= 65536) return 0
  return (await isFree(port)) ? port : 0
}

/** Records the port this start listens on; a write to a temporary name and a rename, never half a file. */
export async function rememberPanelPort(homeDir: string, port: number): Promise<void> {
  const path = rememberedPortPath(homeDir)
  await mkdir(homeDir, { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify({ port })}\n`)
  await rename(temporary, path)
}
