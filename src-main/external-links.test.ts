/* eslint-disable no-restricted-syntax -- this test inspects the mocked shell.openExternal that external-links.ts owns */
import { shell } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { isOpenableExternalUrl, openExternal } from './external-links'

vi.mock('electron', () => ({ shell: { openExternal: vi.fn(async () => undefined) } }))

describe('openExternal', () => {
  beforeEach(() => vi.mocked(shell.openExternal).mockClear())

  it('opens web links in the system browser', async () => {
    expect(await openExternal('http://127.0.0.1:3000/d/driftdesk')).toBe(true)
    expect(shell.openExternal).toHaveBeenCalledWith('http://127.0.0.1:3000/d/driftdesk')
  })

  it('refuses file, script, custom-scheme and credential-carrying links', async () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@host/',
      'nonsense',
    ]) {
      expect(isOpenableExternalUrl(url)).toBe(false)
      expect(await openExternal(url)).toBe(false)
    }
    expect(shell.openExternal).not.toHaveBeenCalled()
  })
})
