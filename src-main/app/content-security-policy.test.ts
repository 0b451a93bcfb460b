import { describe, expect, it } from 'vitest'
import { buildContentSecurityPolicy, isLocalOrigin } from './content-security-policy'

describe('buildContentSecurityPolicy', () => {
  it('allows frames only from the given localhost origins', () => {
    const policy = buildContentSecurityPolicy({
      frameOrigins: ['http://127.0.0.1:3000', 'https://evil.example', 'http://127.0.0.1:8080/path'],
      connectSources: ['ws://127.0.0.1:5000'],
    })
    expect(policy).toContain('frame-src http://127.0.0.1:3000;')
    expect(policy).not.toContain('evil.example')
    expect(policy).toContain("connect-src 'self' ws://127.0.0.1:5000")
    expect(policy).toContain("script-src 'self';")
    expect(policy).toContain("frame-ancestors 'none'")
  })

  it('forbids every frame when the stack is not running', () => {
    expect(buildContentSecurityPolicy({ frameOrigins: [], connectSources: [] })).toContain(
      "frame-src 'none'",
    )
  })
})

describe('isLocalOrigin', () => {
  it('accepts only http origins on this machine', () => {
    expect(isLocalOrigin('http://localhost:3000')).toBe(true)
    expect(isLocalOrigin('http://127.0.0.1:8080')).toBe(true)
    expect(isLocalOrigin('http://10.0.0.2:3000')).toBe(false)
    expect(isLocalOrigin('file:///etc')).toBe(false)
    expect(isLocalOrigin('not a url')).toBe(false)
  })
})
