import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { StackSecrets } from '../../adapters/docker/stack-spec'
import { AppError } from '../../shared/errors'

/** `<home>/stack/secrets.json`: owner-only (0600) in an owner-only folder (0700). */
export function stackSecretsPath(homeDir: string): string {
  return join(homeDir, 'stack', 'secrets.json')
}

/** 24 random bytes as base64url: 192 bits, and no `$` so Grafana's provisioning does not interpolate it. */
function generateSecret(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * Reads the stack's passwords, generating them on first run. The file is written with mode 0600
 * (atomically, through a temporary file) and its mode is tightened again if someone loosened it.
 * Nothing here logs a secret.
 *
 * @throws {AppError} INVALID_REQUEST when the file exists but is not the expected JSON.
 */
export async function loadOrCreateStackSecrets(homeDir: string): Promise<StackSecrets> {
  const path = stackSecretsPath(homeDir)
  const existing = await readStackSecrets(homeDir)
  if (existing !== null) {
    const mode = (await stat(path)).mode & 0o777
    if (mode !== 0o600) await chmod(path, 0o600)
    return existing
  }
  const secrets: StackSecrets = {
    postgresPassword: generateSecret(),
    grafanaAdminPassword: generateSecret(),
    grafanaReaderPassword: generateSecret(),
    adminerToken: generateSecret(),
  }
  await mkdir(join(homeDir, 'stack'), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  await rename(temporary, path)
  return secrets
}

/** The stored secrets, or `null` before the first `stack up`. */
export async function readStackSecrets(homeDir: string): Promise<StackSecrets | null> {
  const path = stackSecretsPath(homeDir)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalid(path)
  }
  const record = parsed as Partial<Record<keyof StackSecrets, unknown>>
  const keys: (keyof StackSecrets)[] = [
    'postgresPassword',
    'grafanaAdminPassword',
    'grafanaReaderPassword',
    'adminerToken',
  ]
  for (const key of keys) {
    if (typeof record[key] !== 'string' || record[key] === '') throw invalid(path)
  }
  return record as StackSecrets
}

function invalid(path: string): AppError {
  return new AppError(
    'INVALID_REQUEST',
    `The stack's secrets file ${path} is damaged. If the stack has no data you need, run \`driftdesk stack down --volumes\`, delete the file and start again.`,
  )
}
