import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  connectionName,
  printableConnectionName,
  readConnection,
  saveConnection,
  savedConnectionsPath,
} from './saved-connections'

let home: string
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'driftdesk-connections-'))
})
afterEach(async () => {
  await rm(home, { recursive: true, force: true })
})

describe('saved connections', () => {
  it('names a connection by user, host, port and database, never its password', () => {
    expect(connectionName('postgres://me:p@ss@db.example:5433/metrics')).toBe(
      'me@db.example:5433/metrics',
    )
    expect(connectionName('postgresql:///x?host=/run/postgresql')).toBe('/run/postgresql/x')
  })

  it('refuses an unencoded password after a port-like prefix and a malformed percent-escape with an AppError (review of issue 9: the name showed the password; %ZZ threw URIError)', () => {
    expect(() => connectionName('postgres://evil:2024/TopSecret@127.0.0.1:47400/dd')).toThrowError(
      expect.objectContaining({ code: 'INVALID_REQUEST', message: expect.stringMatching(/%2F/) }),
    )
    expect(() => connectionName('postgres://evil:pw@127.0.0.1:47400/d%ZZ')).toThrowError(
      expect.objectContaining({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/malformed percent-escape/),
      }),
    )
  })

  it('prints a name misread from an unencoded password without the password, and a good name whole', () => {
    expect(printableConnectionName('evil:2024/TopSecret@127.0.0.1:47400/dd')).toBe(
      '***@127.0.0.1:47400/dd',
    )
    expect(printableConnectionName('me@db.example:5433/metrics')).toBe('me@db.example:5433/metrics')
    expect(printableConnectionName('/run/postgresql/x')).toBe('/run/postgresql/x')
  })

  it('saves the URL 0600 in a 0700 folder, reads it back by name, and replaces a changed password', async () => {
    const name = await saveConnection(home, 'postgres://me:first@db:5432/x')
    expect(await saveConnection(home, 'postgres://me:second@db:5432/x')).toBe(name)
    await expect(readConnection(home, name)).resolves.toBe('postgres://me:second@db:5432/x')
    expect((await stat(savedConnectionsPath(home))).mode & 0o777).toBe(0o600)
    expect((await stat(join(home, 'connections'))).mode & 0o777).toBe(0o700)
    expect(await readFile(savedConnectionsPath(home), 'utf8')).not.toContain('first')
  })

  it('says which connection is missing, and refuses a damaged file', async () => {
    await expect(readConnection(home, 'me@db/x')).rejects.toThrow(
      /No saved database connection 'me@db\/x'/,
    )
    await saveConnection(home, 'postgres://me:pw@db/x')
    await writeFile(savedConnectionsPath(home), '[1]')
    await expect(readConnection(home, 'me@db/x')).rejects.toThrow(/is not a JSON object/)
  })
})
