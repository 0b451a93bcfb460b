import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * The bearer token a service bound beyond loopback requires: read from `path`, or generated on first use
 * (32 random bytes, base64url) and written owner-only (0600, in a 0700 folder, atomically). A looser
 * mode found later is tightened. The token is returned, never printed: callers print the path.
 */
export async function loadOrCreateServeToken(path: string): Promise<string> {
  try {
    const token = (await readFile(path, 'utf8')).trim()
    if (token.length >= 32) {
      if (((await stat(path)).mode & 0o777) !== 0o600) await chmod(path, 0o600)
      return token
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const token = randomBytes(32).toString('base64url')
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${token}\n`, { mode: 0o600, flag: 'w' })
  await rename(temporary, path)
  return token
}

/** `<home>/secrets/serve-token`: where `serve --host` keeps its token (safe to print, unlike the token). */
export function serveTokenPath(homeDir: string): string {
  return join(homeDir, 'secrets', 'serve-token')
}
