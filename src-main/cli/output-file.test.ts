import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CliError } from './cli-context'
import { OutputFile } from './output-file'

let folder: string
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'driftdesk-output-file-'))
})
afterEach(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('OutputFile', () => {
  it('refuses a path ending in a slash and writes nothing (review of issue 9: report.html/ wrote report.html)', async () => {
    const given = `${join(folder, 'report.html')}/`
    const output = new OutputFile(given, '--html')
    await expect(output.write('<html></html>')).rejects.toThrowError(
      expect.objectContaining({
        exitCode: 2,
        message: expect.stringMatching(
          /^--html .*report\.html\/ ends in a slash, so it names a folder/,
        ),
      }),
    )
    await expect(output.checkWritable()).rejects.toBeInstanceOf(CliError)
    expect(existsSync(join(folder, 'report.html'))).toBe(false)
  })

  it('writes a plain file path', async () => {
    const path = join(folder, 'report.html')
    expect(await new OutputFile(path, '--html').write('<p>x</p>')).toBe(path)
    expect(await readFile(path, 'utf8')).toBe('<p>x</p>')
  })
})
