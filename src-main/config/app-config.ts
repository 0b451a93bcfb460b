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
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new AppError(
      'INVALID_REQUEST',
      `The database URL must start with postgres:// or postgresql:// (got '${redactUrl(databaseUrl)}'); pass e.g. --database-url postgres://user:password@localhost:5432/driftdesk.`,
    )
  }
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

/** A connection string with its password replaced by `***`, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')
}
