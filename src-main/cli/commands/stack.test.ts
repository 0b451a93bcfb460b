import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeDockerApi } from '../../../test/fakes/fake-docker-api'
import { startFakeDockerApi } from '../../../test/fakes/fake-docker-api'
import type { CliContext } from '../cli-context'
import { loadOrCreateStackSecrets } from '../../services/stack/stack-secrets'
import { writeStackPorts } from '../../services/stack/stack-ports'
import { run } from './stack'

let api: FakeDockerApi
let home: string

beforeEach(async () => {
  api = await startFakeDockerApi()
  home = await mkdtemp(join(tmpdir(), 'driftdesk-stack-cli-'))
})
afterEach(async () => {
  await api.stop()
  await rm(home, { recursive: true, force: true })
})

function context(
  args: string[],
  dockerHost = api.endpoint,
): CliContext & { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    args,
    env: { DOCKER_HOST: dockerHost, HOME: home },
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    signal: new AbortController().signal,
    out,
    err,
  }
}

describe('driftdesk stack', () => {
  it('status --json prints one JSON object with the engine and every service', async () => {
    const ctx = context(['status', '--json', '--home', home])
    await expect(run(ctx)).resolves.toBe(0)
    expect(ctx.out).toHaveLength(1)
    const status = JSON.parse(ctx.out[0] ?? '') as {
      engine: { found: boolean; engine: { name: string } }
      services: { state: string }[]
    }
    expect(status.engine.engine.name).toBe('Docker Engine')
    expect(status.services.map((service) => service.state)).toEqual([
      'missing',
      'missing',
      'missing',
    ])
  })

  it('status explains a missing engine in one sentence and still exits 0', async () => {
    const ctx = context(['status', '--home', home], 'unix:///nonexistent/docker.sock')
    await expect(run(ctx)).resolves.toBe(0)
    expect(ctx.out.join('')).toMatch(
      /^Engine {5}none: No container engine answers at DOCKER_HOST=unix:\/\/\/nonexistent\/docker\.sock/,
    )
  })

  it('up fails with the engine message when there is none', async () => {
    await expect(
      run(context(['up', '--home', home], 'unix:///nonexistent/docker.sock')),
    ).rejects.toThrow(/No container engine answers/)
  })

  it('never prints the Adminer auto-login token (urls, urls --json, status --json)', async () => {
    await writeStackPorts(home, { postgres: 5432, grafana: 3000, adminer: 8080 })
    const { adminerToken } = await loadOrCreateStackSecrets(home)
    expect(adminerToken.length).toBeGreaterThan(8)
    for (const args of [['urls'], ['urls', '--json'], ['status', '--json']]) {
      const ctx = context([...args, '--home', home])
      await expect(run(ctx)).resolves.toBe(0)
      const printed = ctx.out.join('') + ctx.err.join('')
      expect(printed).toContain('127.0.0.1:8080')
      expect(printed).not.toContain(adminerToken)
      expect(printed).not.toContain(encodeURIComponent(adminerToken))
    }
  })

  it('urls before the first up tells what to run', async () => {
    await expect(run(context(['urls', '--home', home]))).rejects.toThrow(
      /run `driftdesk stack up` first/,
    )
  })

  it('rejects an unknown service, action or option with exit code 2', async () => {
    await expect(run(context(['logs', 'mysql', '--home', home]))).rejects.toMatchObject({
      exitCode: 2,
    })
    await expect(run(context(['restart', '--home', home]))).rejects.toMatchObject({ exitCode: 2 })
    await expect(run(context(['up', '--only', 'redis', '--home', home]))).rejects.toMatchObject({
      exitCode: 2,
    })
    await expect(run(context(['up', '--colour']))).rejects.toMatchObject({ exitCode: 2 })
  })

  it('down keeps the volumes unless --volumes is given', async () => {
    api.volumes.set('driftdesk-postgres-data', {})
    const keep = context(['down', '--home', home])
    await expect(run(keep)).resolves.toBe(0)
    expect(api.volumes.has('driftdesk-postgres-data')).toBe(true)
    expect(keep.err.join('')).toMatch(/data volumes are kept/)
    await expect(run(context(['down', '--volumes', '--home', home]))).resolves.toBe(0)
    expect(api.volumes.size).toBe(0)
  })
})
