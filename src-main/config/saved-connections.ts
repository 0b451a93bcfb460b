import { randomUUID } from 'node:crypto'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../shared/errors'
import { checkDatabaseUrlParts, redactUrl } from './app-config'

/**
 * Database connections saved for later use by name (a schedule's job runs hours later, in another
 * process): `<home>/connections/connections.json`, mode 0600 in a 0700 folder, like the stack's
 * secrets. What is stored elsewhere (the schedules table, run parameters, command lines, output) is
 * only the name, which carries no password.
 */
export function savedConnectionsPath(homeDir: string): string {
  return join(homeDir, 'connections', 'connections.json')
}

/**
 * The name a connection is saved under: its URL without the password (`postgres@db:5432/driftdesk`),
 * so saving the same server again with a new password replaces the old one.
 * @throws {AppError} INVALID_REQUEST for a URL that is not valid, has an '@' after its host or a malformed percent-escape.
 */
export function connectionName(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    throw new AppError(
      'INVALID_REQUEST',
      `The database URL '${redactUrl(url)}' is not a valid URL.`,
      { cause: error },
    )
  }
  // Refuses an '@' after the host (an unencoded password the name would show) and a malformed
  // percent-escape (decodeURIComponent's URIError would be a stack trace).
  checkDatabaseUrlParts(url)
  const user = decodeURIComponent(parsed.username)
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  const host = parsed.host === '' ? (parsed.searchParams.get('host') ?? 'localhost') : parsed.host
  return `${user === '' ? '' : `${user}@`}${host}/${database}`
}

/**
 * A connection name safe to print. A name is `user@host/database` and a database name has no `@`, but a
 * name saved by a driftdesk that misread `postgres://u:2024/Secret@db/x` is `u:2024/Secret@db/x`: one with
 * an `@` after its first `/` loses everything before its last `@`.
 * @example printableConnectionName('u:2024/Secret@db:5432/x') // '***@db:5432/x'
 */
export function printableConnectionName(name: string): string {
  const slash = name.indexOf('/')
  const at = name.lastIndexOf('@')
  return slash !== -1 && at > slash ? `***${name.slice(at)}` : name
}

/** Saves `url` (with its password) and returns the name to store instead of it. */
export async function saveConnection(homeDir: string, url: string): Promise<string> {
  const name = connectionName(url)
  const connections = await readConnections(homeDir)
  if (connections[name] === url) return name
  connections[name] = url
  const folder = join(homeDir, 'connections')
  await mkdir(folder, { recursive: true, mode: 0o700 })
  await chmod(folder, 0o700)
  const path = savedConnectionsPath(homeDir)
  // Written to a private temporary file and renamed, so the file is never readable by others, even
  // half-written.
  const temporary = `${path}.${randomUUID()}.tmp`
  await writeFile(temporary, `${JSON.stringify(connections, null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  })
  await rename(temporary, path)
  return name
}

/**
 * The URL saved under `name`.
 * @throws {AppError} INVALID_REQUEST when no connection has that name (saved from another home, or the file was removed).
 */
export async function readConnection(homeDir: string, name: string): Promise<string> {
  const url = (await readConnections(homeDir))[name]
  if (url === undefined) {
    throw new AppError(
      'INVALID_REQUEST',
      `No saved database connection '${name}' in ${savedConnectionsPath(homeDir)}: save the schedule again with its --database-url (from this --home).`,
    )
  }
  return url
}

async function readConnections(homeDir: string): Promise<Record<string, string>> {
  const path = savedConnectionsPath(homeDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((value) => typeof value === 'string')
  ) {
    throw new AppError(
      'INVALID_REQUEST',
      `${path} is not a JSON object of connection names to URLs: fix or remove it, then save the schedules that used it again.`,
    )
  }
  return Object.assign(Object.create(null) as Record<string, string>, parsed)
}
