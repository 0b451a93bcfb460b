import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:net'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { choosePanelPort, rememberPanelPort, rememberedPortPath } from './remembered-port'

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

function portOf(server: Server): number {
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('not listening')
  return address.port
}

describe('the remembered browser-mode port', () => {
  let home: string
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-port-'))
  })
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  it('lets the system choose on the first start', async () => {
    expect(await choosePanelPort(home)).toBe(0)
  })

  it("reuses the last start's port when it is free", async () => {
    const probe = await listen()
    const port = portOf(probe)
    await new Promise((resolve) => probe.close(resolve))
    await rememberPanelPort(home, port)
    expect(await choosePanelPort(home)).toBe(port)
  })

  it('lets the system choose when something else listens on the last port', async () => {
    const other = await listen()
    try {
      await rememberPanelPort(home, portOf(other))
      expect(await choosePanelPort(home)).toBe(0)
    } finally {
      await new Promise((resolve) => other.close(resolve))
    }
  })

  it('ignores a file that does not parse or holds no valid port', async () => {
    for (const text of ['{', '{"port":"8080"}', '{"port":70000}', '{"port":0}', 'null']) {
      writeFileSync(rememberedPortPath(home), text)
      expect(await choosePanelPort(home, () => Promise.resolve(true)), text).toBe(0)
    }
  })
})
