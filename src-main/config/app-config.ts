import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { AppError } from '../shared/errors'

/**
 * Everything driftdesk reads from its surroundings, built once (defaults → environment → command-line
 * options), validated and frozen, then injected. No other module reads `process.env`.
 */
export interface AppConfig {
  /** All state lives here: model, reference, download cache, embedded database, secrets. */
  readonly homeDir: string
  /** Where downloaded TLC files are cached (`<home>/cache/tlc`). */
  readonly cacheDir: string
  /** A folder of user-supplied Parquet files, used instead of the cache when set. */
  readonly dataDir: string | null
  /** Trained models and reference frames (`<home>/models`). */
  readonly modelsDir: string
  /** Embedded PostgreSQL data directory (`<home>/pg`). */
  readonly embeddedPgDir: string
  /** An external PostgreSQL; `null` means the embedded one. */
  readonly databaseUrl: string | null
  /** Base URL of the TLC trip-data files. */
  readonly tripDataBaseUrl: string
}

export interface ConfigOverrides {
  homeDir?: string | undefined
  dataDir?: string | undefined
  databaseUrl?: string | undefined
}

export const DEFAULT_TRIP_DATA_BASE_URL = 'https://d37ci6vzurychx.cloudfront.net/trip-data'

/**
 * Builds the configuration. Precedence: explicit overrides (command-line options), then the environment
 * (`DRIFTDESK_HOME` or `APP_HOME_DIR`, `DRIFTDESK_DATA_DIR`, `DATABASE_URL`, `DRIFTDESK_TRIP_DATA_URL`),
 * then defaults (`~/.driftdesk`).
 * @throws {AppError} INVALID_REQUEST when the database URL is not a postgres:// URL.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: ConfigOverrides = {},
): AppConfig {
  const homeDir = resolve(
    overrides.homeDir ?? env.DRIFTDESK_HOME ?? env.APP_HOME_DIR ?? join(homedir(), '.driftdesk'),
  )
  const dataDirRaw = overrides.dataDir ?? env.DRIFTDESK_DATA_DIR
  const databaseUrl = overrides.databaseUrl ?? env.DATABASE_URL ?? null
  if (databaseUrl !== null) checkDatabaseUrl(databaseUrl)
  const tripDataBaseUrl = (env.DRIFTDESK_TRIP_DATA_URL ?? DEFAULT_TRIP_DATA_BASE_URL).replace(
    /\/+$/,
    '',
  )
  return Object.freeze({
    homeDir,
    cacheDir: join(homeDir, 'cache', 'tlc'),
    dataDir: dataDirRaw === undefined || dataDirRaw === '' ? null : resolve(dataDirRaw),
    modelsDir: join(homeDir, 'models'),
    embeddedPgDir: join(homeDir, 'pg'),
    databaseUrl,
    tripDataBaseUrl,
  })
}

/**
 * Refuses a database URL that is not a postgres:// URL the URL parser (the one `pg` uses) accepts. The
 * error shows the URL redacted, never its password.
 * @throws {AppError} INVALID_REQUEST naming what is wrong and how to write it.
 */
function checkDatabaseUrl(databaseUrl: string): void {
  const example = 'pass e.g. --database-url postgres://user:password@localhost:5432/driftdesk'
  if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new AppError(
      'INVALID_REQUEST',
      `The database URL must start with postgres:// or postgresql:// (got '${redactUrl(databaseUrl)}'); ${example}.`,
    )
  }
  if (parseUrl(databaseUrl) === null) {
    throw new AppError(
      'INVALID_REQUEST',
      `The database URL '${redactUrl(databaseUrl)}' is not a valid URL: check the port (1-65535) and percent-encode '/', '?', '#' and '%' in the user name and password (e.g. '/' as %2F); ${example}.`,
    )
  }
  checkDatabaseUrlParts(databaseUrl)
}

/**
 * Refuses what the URL parser accepts but reads differently from what the user meant, without printing
 * the URL (any part of it may be the password):
 * - an `@` after the authority. The WHATWG parser ends the authority at the first `/`, `?` or `#`, so in
 *   `postgres://u:2024/Secret@db/x` the host is `u`, the port 2024 and `/Secret@db/x` the path: the
 *   password is empty and nothing would be redacted. Such an `@` can only be an unencoded password.
 * - a malformed percent-escape (`%ZZ`) in the user name, password or database name, which `pg` decodes.
 * @throws {AppError} INVALID_REQUEST saying how to percent-encode the password.
 */
export function checkDatabaseUrlParts(databaseUrl: string): void {
  const parsed = parseUrl(databaseUrl)
  if (parsed === null) return
  if (hasAtAfterAuthority(parsed)) {
    throw new AppError(
      'INVALID_REQUEST',
      "The database URL has an '@' after its host, so its password has an unencoded '/', '#' or '?': percent-encode the password ('@' as %40, '/' as %2F, '#' as %23, '?' as %3F), e.g. postgres://user:pa%2Fss@localhost:5432/driftdesk.",
    )
  }
  for (const part of [parsed.username, parsed.password, parsed.pathname]) {
    try {
      decodeURIComponent(part)
    } catch {
      throw new AppError(
        'INVALID_REQUEST',
        "The database URL has a malformed percent-escape in its user name, password or database name: a '%' must start two hex digits, so write a literal '%' as %25 (and '@' as %40, '/' as %2F, '#' as %23, '?' as %3F).",
      )
    }
  }
}

/** True when an `@` sits in the path, query or fragment: an unencoded password, never a real one. */
function hasAtAfterAuthority(parsed: URL): boolean {
  return `${parsed.pathname}${parsed.search}${parsed.hash}`.includes('@')
}

/** Query parameters `pg` reads as secrets (`?password=…`). */
const SECRET_QUERY_PARAMETER = /pass/i

/**
 * A connection string safe to print: the whole password of its userinfo (which may itself contain
 * `@` or `:`) and any `password=` query parameter become `***`. Parsed with the WHATWG URL parser, as
 * `pg` parses it. A string it cannot trust (not a URL with a host, or one with an `@` after its host,
 * which is an unencoded password the parser read as a path, query or fragment) loses everything between
 * its scheme (or its start) and its last `@`, except a user name before the first `:`.
 *
 * @example
 * redactUrl('postgres://u:p@ss@db:5432/x') // 'postgres://u:***@db:5432/x'
 */
export function redactUrl(url: string): string {
  const parsed = parseUrl(url)
  if (parsed !== null && parsed.host !== '' && !hasAtAfterAuthority(parsed)) {
    if (parsed.password !== '') parsed.password = '***'
    for (const name of [...parsed.searchParams.keys()])
      if (SECRET_QUERY_PARAMETER.test(name)) parsed.searchParams.set(name, '***')
    return parsed.href
  }
  const redactQuery = (text: string): string =>
    text.replace(/([?&][^=&]*pass[^=&]*=)[^&#]*/gi, '$1***')
  const at = url.lastIndexOf('@')
  if (at === -1) return redactQuery(url)
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? ''
  const userinfo = url.slice(scheme.length, at)
  const colon = userinfo.indexOf(':')
  // A user name is kept only when it cannot be part of a path, query or fragment that the parser
  // mistook for one (`postgres://host/db?password=a:b@c` keeps nothing of `a`).
  const user =
    colon === -1 || /[/?#]/.test(userinfo.slice(0, colon)) ? '' : `${userinfo.slice(0, colon)}:`
  return `${scheme}${user}***${redactQuery(url.slice(at))}`
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    // Not a URL: the caller says so (or redacts it conservatively).
    return null
  }
}
