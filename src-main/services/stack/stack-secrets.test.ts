import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrCreateStackSecrets, readStackSecrets, stackSecretsPath } from './stack-secrets'

let home: string
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'driftdesk-secrets-'))
})
afterEach(async () => {
  await rm(home, { recursive: true, force: true })
})

describe('loadOrCreateStackSecrets', () => {
  it('generates four distinct random secrets once, owner-only', async () => {
    await expect(readStackSecrets(home)).resolves.toBeNull()
    const first = await loadOrCreateStackSecrets(home)
    expect(new Set(Object.values(first)).size).toBe(4)
    for (const value of Object.values(first)) expect(value).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect((await stat(stackSecretsPath(home))).mode & 0o777).toBe(0o600)
    await expect(loadOrCreateStackSecrets(home)).resolves.toEqual(first)
  })

  it('tightens a file whose permissions were loosened', async () => {
    await loadOrCreateStackSecrets(home)
    await chmod(stackSecretsPath(home), 0o644)
    await loadOrCreateStackSecrets(home)
    expect((await stat(stackSecretsPath(home))).mode & 0o777).toBe(0o600)
  })

  it('refuses a damaged file instead of silently replacing the passwords', async () => {
    await loadOrCreateStackSecrets(home)
    await writeFile(stackSecretsPath(home), '{"postgresPassword": ""}')
    await expect(loadOrCreateStackSecrets(home)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(await readFile(stackSecretsPath(home), 'utf8')).toBe('{"postgresPassword": ""}')
  })
})
