import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildTarArchive } from './tar-archive'

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
const hasTar = spawnSync('tar', ['--version']).status === 0

describe('buildTarArchive', () => {
  it('writes 512-byte blocks with a valid header checksum', async () => {
    const archive = await buildTarArchive(
      [{ name: 'etc/app/a.txt', content: encode('hi'), mode: 0o644 }],
      1_700_000_000,
    )
    expect(archive.length).toBe(2048)
    const header = archive.subarray(0, 512)
    const stored = Number.parseInt(new TextDecoder().decode(header.subarray(148, 154)), 8)
    const computed = header.reduce(
      (sum, byte, index) => sum + (index >= 148 && index < 156 ? 32 : byte),
      0,
    )
    expect(stored).toBe(computed)
    expect(new TextDecoder().decode(archive.subarray(512, 514))).toBe('hi')
  })

  it.skipIf(!hasTar)(
    'is read back by GNU tar with names, modes and contents intact (needs tar)',
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'driftdesk-tar-'))
      try {
        const longName = `opt/${'d'.repeat(90)}/${'f'.repeat(60)}.json`
        // Longer than ustar's 100 + 155 bytes: tar-stream writes a pax header.
        const veryLongName = `opt/${'e'.repeat(200)}/${'g'.repeat(120)}.json`
        const archive = await buildTarArchive(
          [
            {
              name: 'docker-entrypoint-initdb.d/10-init.sh',
              content: encode('#!/bin/bash\necho ok\n'),
              mode: 0o755,
            },
            { name: 'etc/grafana/empty', mode: 0o755 },
            { name: longName, content: encode('{"ü":1}'), mode: 0o644 },
            { name: veryLongName, content: encode('{}'), mode: 0o644 },
          ],
          1_700_000_000,
        )
        writeFileSync(join(folder, 'a.tar'), archive)
        const result = spawnSync('tar', ['-xf', 'a.tar', '--no-same-owner'], { cwd: folder })
        expect(result.status, result.stderr.toString()).toBe(0)
        expect(readFileSync(join(folder, 'docker-entrypoint-initdb.d/10-init.sh'), 'utf8')).toBe(
          '#!/bin/bash\necho ok\n',
        )
        expect(statSync(join(folder, 'docker-entrypoint-initdb.d/10-init.sh')).mode & 0o777).toBe(
          0o755,
        )
        expect(statSync(join(folder, 'etc/grafana/empty')).isDirectory()).toBe(true)
        expect(readFileSync(join(folder, longName), 'utf8')).toBe('{"ü":1}')
        expect(statSync(join(folder, longName)).mtimeMs).toBe(1_700_000_000_000)
        expect(readFileSync(join(folder, veryLongName), 'utf8')).toBe('{}')
      } finally {
        rmSync(folder, { recursive: true, force: true })
      }
    },
  )

  it('refuses absolute names and parent references (the archive is unpacked at /)', async () => {
    await expect(
      buildTarArchive([{ name: '/etc/passwd', content: encode(''), mode: 0o644 }], 0),
    ).rejects.toThrow(RangeError)
    await expect(
      buildTarArchive([{ name: 'a/../../b', content: encode(''), mode: 0o644 }], 0),
    ).rejects.toThrow(RangeError)
  })
})
