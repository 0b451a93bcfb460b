import { describe, expect, it } from 'vitest'
import { AppError } from '../shared/errors'
import { loadConfig, redactUrl } from './app-config'

describe('redactUrl', () => {
  it('hides a whole password that contains @ (issue 9: it printed postgres://u:***@Secret@…)', () => {
    const shown = redactUrl('postgres://u:p@ss@Secret@db.example:5432/driftdesk')
    expect(shown).toBe('postgres://u:***@db.example:5432/driftdesk')
    expect(shown).not.toContain('Secret')
  })

  it('hides passwords with : / and percent-encoded characters and keeps the rest readable', () => {
    expect(redactUrl('postgresql://me:a:b%2Fc@127.0.0.1:5433/x?sslmode=require')).toBe(
      'postgresql://me:***@127.0.0.1:5433/x?sslmode=require',
    )
    expect(redactUrl('postgres://me@127.0.0.1/x')).toBe('postgres://me@127.0.0.1/x')
  })

  it('hides a password given as a query parameter', () => {
    expect(redactUrl('postgres://db/x?user=me&password=Secret')).toBe(
      'postgres://db/x?user=me&password=***',
    )
  })

  it('hides everything before the last @ of a string that is not a URL', () => {
    expect(redactUrl('me:Se@cret@127.0.0.1/db')).toBe('me:***@127.0.0.1/db')
    expect(redactUrl('postgres://me:Se@cret@127.0.0.1:notaport/db')).toBe(
      'postgres://me:***@127.0.0.1:notaport/db',
    )
    expect(redactUrl('Secret@127.0.0.1')).toBe('***@127.0.0.1')
  })
})

describe('loadConfig database URL', () => {
  const refusal = (url: string): AppError => {
    try {
      loadConfig({}, { homeDir: '/tmp/x', databaseUrl: url })
    } catch (error) {
      if (error instanceof AppError) return error
      throw error
    }
    throw new Error(`accepted ${url}`)
  }

  it('refuses a URL without the postgres scheme without printing its password (issue 9)', () => {
    const error = refusal('me:Secret2@127.0.0.1/db')
    expect(error.code).toBe('INVALID_REQUEST')
    expect(error.message).toContain("'me:***@127.0.0.1/db'")
    expect(error.message).not.toContain('Secret2')
  })

  it('refuses a malformed postgres URL with one clear error and no password', () => {
    for (const url of [
      'postgres://me:Se@cret3@127.0.0.1:notaport/db',
      'postgres://me:Secret3@127.0.0.1:99999/db',
    ]) {
      const error = refusal(url)
      expect(error.code).toBe('INVALID_REQUEST')
      expect(error.message).toMatch(/is not a valid URL: check the port/)
      expect(error.message).not.toContain('Secret3')
      expect(error.message).not.toContain('cret3')
    }
  })

  it('accepts a password with @ and a socket URL', () => {
    expect(
      loadConfig({}, { homeDir: '/tmp/x', databaseUrl: 'postgres://me:p@ss@db/x' }).databaseUrl,
    ).toBe('postgres://me:p@ss@db/x')
    expect(
      loadConfig({}, { homeDir: '/tmp/x', databaseUrl: 'postgres:///x?host=/run/postgresql' })
        .databaseUrl,
    ).toBe('postgres:///x?host=/run/postgresql')
  })
})

describe('database URL with an unencoded password after a port-like prefix (review of issue 9)', () => {
  // The WHATWG parser reads `postgres://u:2024/TopSecret@127.0.0.1:1/db` as host u, port 2024 and
  // path /TopSecret@…: the password property is empty, so nothing was redacted or refused.
  const urls = [
    'postgres://u:2024/TopSecret@127.0.0.1:1/db',
    'postgres://evil:2024/TopSecret@127.0.0.1:47400/dd',
    'postgres://u:5432#TopSecret@127.0.0.1:1/db',
    'postgres://u:99?TopSecret@127.0.0.1:1/db',
  ]

  it('redacts everything up to the last @', () => {
    expect(redactUrl(urls[0]!)).toBe('postgres://u:***@127.0.0.1:1/db')
    expect(redactUrl(urls[1]!)).toBe('postgres://evil:***@127.0.0.1:47400/dd')
    for (const url of urls) expect(redactUrl(url)).not.toContain('TopSecret')
    expect(redactUrl('postgres://host/db?password=a:b@c')).not.toMatch(/a:|=a/)
  })

  it('refuses them with one sentence on percent-encoding and without printing the URL', () => {
    for (const url of urls) {
      expect(() => loadConfig({}, { homeDir: '/tmp/x', databaseUrl: url })).toThrowError(
        expect.objectContaining({
          code: 'INVALID_REQUEST',
          message: expect.stringMatching(/percent-encode the password .*'\/' as %2F/),
        }),
      )
      try {
        loadConfig({}, { homeDir: '/tmp/x', databaseUrl: url })
      } catch (error) {
        expect((error as Error).message).not.toContain('TopSecret')
        expect((error as Error).message).not.toContain('2024')
      }
    }
  })

  it('refuses a malformed percent-escape with one sentence', () => {
    expect(() =>
      loadConfig({}, { homeDir: '/tmp/x', databaseUrl: 'postgres://evil:pw@127.0.0.1:47400/d%ZZ' }),
    ).toThrowError(
      expect.objectContaining({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/malformed percent-escape/),
      }),
    )
  })
})
