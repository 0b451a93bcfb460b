import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeDockerApi } from '../../../test/fakes/fake-docker-api'
import { startFakeDockerApi, twoLayerPullEvents } from '../../../test/fakes/fake-docker-api'
import { DockerEngine } from '../../adapters/docker/docker-engine'
import type { DiscoveredEngine } from '../../adapters/docker/engine-discovery'
import { STACK_IMAGES } from '../../adapters/docker/stack-spec'
import type { PullProgress } from '../../shared/domain/stack'
import { AppError } from '../../shared/errors'
import type { HealthProbes } from './health-probes'
import { NAME_LOOKUP_ADVICE } from './health-probes'
import { StackService } from './stack-service'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
let api: FakeDockerApi
let home: string
let probed: string[]
let takenPorts: Set<number>
let engineAvailable: boolean

const probes: HealthProbes = {
  postgres: (url) => {
    probed.push(url)
    return Promise.resolve()
  },
  grafana: (url) => {
    probed.push(url)
    return Promise.resolve()
  },
  adminer: (url) => {
    probed.push(url)
    return Promise.resolve()
  },
}

function createService(
  extra: { pullProgressIntervalMs?: number; probes?: HealthProbes } = {},
): StackService {
  return new StackService({
    ...extra,
    homeDir: home,
    resourcesDir: join(repoRoot, 'resources'),
    dashboardsDir: join(repoRoot, 'dashboards'),
    discover: (): Promise<DiscoveredEngine> =>
      Promise.resolve(
        engineAvailable
          ? {
              discovery: {
                found: true,
                engine: {
                  name: 'Docker Engine',
                  version: '27.3.1',
                  apiVersion: '1.41',
                  endpoint: api.endpoint,
                  source: 'test',
                },
              },
              engine: new DockerEngine(api.endpoint),
            }
          : {
              discovery: {
                found: false,
                message: 'No container engine found: install Docker.',
                tried: [],
              },
              engine: null,
            },
      ),
    probes: extra.probes ?? probes,
    isPortFree: (port) => Promise.resolve(!takenPorts.has(port)),
    healthTimeoutMs: 2000,
  })
}

beforeEach(async () => {
  api = await startFakeDockerApi()
  home = await mkdtemp(join(tmpdir(), 'driftdesk-stack-home-'))
  probed = []
  takenPorts = new Set()
  engineAvailable = true
  for (const image of Object.values(STACK_IMAGES))
    api.behaviour.pullEvents.set(image, twoLayerPullEvents(image))
})
afterEach(async () => {
  await api.stop()
  await rm(home, { recursive: true, force: true })
})

describe('StackService.up', () => {
  it('pulls missing images with aggregated progress, then creates and waits for all three services', async () => {
    const progress: PullProgress[] = []
    const messages: string[] = []
    const status = await createService().up({
      onPullProgress: (p) => progress.push(p),
      onMessage: (m) => messages.push(m),
    })

    expect(status.services.map((s) => [s.service, s.state, s.hostPort])).toEqual([
      ['postgres', 'healthy', 5432],
      ['grafana', 'healthy', 3000],
      ['adminer', 'healthy', 8080],
    ])
    const last = progress.at(-1)
    expect(last?.bytesDone).toBe(1200)
    expect(last?.bytesTotal).toBe(1200)
    expect(last?.images.every((image) => image.phase === 'done')).toBe(true)
    expect(api.requests.filter((r) => r === 'POST /containers/create')).toHaveLength(3)
    expect([...api.containers.keys()]).toEqual([
      'driftdesk-postgres',
      'driftdesk-grafana',
      'driftdesk-adminer',
    ])
    expect([...api.volumes.keys()].sort()).toEqual([
      'driftdesk-grafana-data',
      'driftdesk-postgres-data',
    ])
    expect(messages).toContain('driftdesk-postgres is healthy on 127.0.0.1:5432')
  })

  it("throttles pull progress to the interval, and always delivers each image's final state", async () => {
    for (const image of Object.values(STACK_IMAGES)) {
      const events = twoLayerPullEvents(image)
      // A flood of 500 progress events between the layer announcements and the end.
      const flood = Array.from({ length: 500 }, (_, i) => ({
        status: 'Downloading',
        id: 'layer-b',
        progressDetail: { current: i, total: 300 },
      }))
      api.behaviour.pullEvents.set(image, [...events.slice(0, 4), ...flood, ...events.slice(4)])
    }
    const progress: PullProgress[] = []
    await createService({ pullProgressIntervalMs: 60_000 }).up({
      onPullProgress: (p) => progress.push(p),
    })
    // With a one-minute interval: the first (waiting) state, then only each image's completion.
    expect(progress).toHaveLength(1 + Object.values(STACK_IMAGES).length)
    expect(progress.at(-1)?.images.every((image) => image.phase === 'done')).toBe(true)
    expect(progress.at(-1)?.bytesDone).toBe(1200)
  })

  it('generates the passwords once, stores them 0600 and never puts them in messages or URLs', async () => {
    const messages: string[] = []
    const service = createService()
    await service.up({ onMessage: (m) => messages.push(m) })
    const path = join(home, 'stack', 'secrets.json')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(home, 'stack'))).mode & 0o777).toBe(0o700)
    const secrets = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>
    expect(secrets.postgresPassword).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(new Set(Object.values(secrets)).size).toBe(4)
    const urls = await service.urls()
    const visible = JSON.stringify({ messages, urls, status: await service.status() })
    expect(visible).not.toContain(secrets.postgresPassword)
    expect(visible).not.toContain(secrets.grafanaAdminPassword)
    expect(visible).not.toContain(secrets.grafanaReaderPassword)
    expect(urls?.postgres).toBe('postgresql://postgres@127.0.0.1:5432/driftdesk')
    expect(urls?.adminer).toBe(`http://127.0.0.1:8080/#driftdesk_token=${secrets.adminerToken}`)
    // A second start keeps the same secrets.
    await service.up()
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(secrets)
  })

  it('reuses a healthy stack without creating anything', async () => {
    const service = createService()
    await service.up()
    const before = api.requests.length
    const messages: string[] = []
    await service.up({ onMessage: (m) => messages.push(m) })
    const after = api.requests.slice(before)
    expect(after.filter((r) => r.startsWith('POST'))).toEqual([])
    expect(messages).toContain('driftdesk-grafana is already running')
  })

  it('restarts a stopped stack with the same containers', async () => {
    const service = createService()
    await service.up()
    await service.stop()
    expect([...api.containers.values()].map((c) => c.status)).toEqual([
      'exited',
      'exited',
      'exited',
    ])
    const status = await service.up()
    expect(status.services.every((s) => s.state === 'healthy')).toBe(true)
    expect([...api.containers.values()].map((c) => c.startCount)).toEqual([2, 2, 2])
  })

  it('moves to the next free port before creating anything and remembers it', async () => {
    takenPorts.add(5432)
    const messages: string[] = []
    const status = await createService().up({
      services: ['postgres'],
      onMessage: (m) => messages.push(m),
    })
    expect(status.services[0]?.hostPort).toBe(5433)
    expect(messages[0]).toBe('port 5432 is in use, so postgres will listen on 127.0.0.1:5433')
    expect(JSON.parse(await readFile(join(home, 'stack', 'ports.json'), 'utf8'))).toMatchObject({
      postgres: 5433,
    })
    expect(probed[0]).toContain('@127.0.0.1:5433/driftdesk')
  })

  it('fails with PORT_IN_USE and creates nothing when no port is free', async () => {
    for (let port = 3000; port < 3050; port += 1) takenPorts.add(port)
    await expect(createService().up()).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining('Port 3000 (for grafana)'),
    })
    expect(api.requests.filter((r) => r.startsWith('POST'))).toEqual([])
  })

  it('starts what can start when an image cannot be pulled offline, and says how to get it (issue 10)', async () => {
    api.behaviour.pullEvents.delete(STACK_IMAGES.grafana)
    const messages: string[] = []
    const status = await createService().up({ onMessage: (m) => messages.push(m) })
    expect(status.services.map((s) => [s.service, s.state])).toEqual([
      ['postgres', 'healthy'],
      ['grafana', 'missing'],
      ['adminer', 'healthy'],
    ])
    expect(status.skipped).toHaveLength(1)
    expect(status.skipped?.[0]).toMatchObject({ service: 'grafana', image: STACK_IMAGES.grafana })
    expect(status.skipped?.[0]?.reason).toContain('stack up --only postgres,adminer')
    expect(status.skipped?.[0]?.reason).toContain(STACK_IMAGES.grafana)
    expect(status.services[1]?.detail).toBe(
      `not started: its image ${STACK_IMAGES.grafana} could not be pulled`,
    )
    expect(messages).toContain(
      `not starting grafana: its image ${STACK_IMAGES.grafana} could not be pulled`,
    )
    expect([...api.containers.keys()]).toEqual(['driftdesk-postgres', 'driftdesk-adminer'])
  })

  it("fails before creating anything when PostgreSQL's image, or every image asked for, is missing", async () => {
    api.behaviour.pullEvents.delete(STACK_IMAGES.grafana)
    await expect(createService().up({ services: ['grafana'] })).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining(STACK_IMAGES.grafana),
    })
    api.images.clear()
    api.behaviour.pullEvents.delete(STACK_IMAGES.postgres)
    await expect(createService().up()).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining(STACK_IMAGES.postgres),
    })
    expect(api.containers.size).toBe(0)
    expect(api.networks.size).toBe(0)
  })

  it('starts PostgreSQL too when Adminer is asked for alone and PostgreSQL is not running', async () => {
    const messages: string[] = []
    await createService().up({ services: ['adminer'], onMessage: (m) => messages.push(m) })
    expect([...api.containers.keys()]).toEqual(['driftdesk-postgres', 'driftdesk-adminer'])
    expect(messages).toContain('starting postgres too: adminer needs it')
  })

  it('fails on a pull error inside the stream and reports it in the progress', async () => {
    api.behaviour.pullEvents.set(STACK_IMAGES.postgres, [
      { status: 'Pulling fs layer', id: 'a' },
      { error: 'layer verification failed' },
    ])
    const progress: PullProgress[] = []
    await expect(createService().up({ onPullProgress: (p) => progress.push(p) })).rejects.toThrow(
      /layer verification failed/,
    )
    expect(progress.at(-1)?.images[0]).toMatchObject({
      phase: 'failed',
      error: expect.stringContaining('layer verification failed'),
    })
    expect(api.containers.size).toBe(0)
  })

  it('stops a stalled pull when cancelled, creating nothing', async () => {
    api.behaviour.stalledPulls.add(STACK_IMAGES.postgres)
    const controller = new AbortController()
    const starting = createService().up({
      signal: controller.signal,
      onPullProgress: (progress) => {
        if (progress.images[0]?.layers === 1) controller.abort()
      },
    })
    await expect(starting).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(api.containers.size).toBe(0)
  })

  it('keeps the local image when --pull cannot update it', async () => {
    for (const image of Object.values(STACK_IMAGES)) api.images.add(image)
    api.behaviour.pullEvents.delete(STACK_IMAGES.adminer)
    const messages: string[] = []
    const status = await createService().up({ pull: true, onMessage: (m) => messages.push(m) })
    expect(status.services.every((s) => s.state === 'healthy')).toBe(true)
    expect(
      messages.some((m) =>
        m.startsWith(`could not update ${STACK_IMAGES.adminer}; using the local copy`),
      ),
    ).toBe(true)
  })

  it('explains what to install when there is no engine, and status still answers', async () => {
    engineAvailable = false
    const service = createService()
    await expect(service.up()).rejects.toMatchObject({
      code: 'DOCKER_UNAVAILABLE',
      message: 'No container engine found: install Docker.',
    })
    const status = await service.status()
    expect(status.engine.found).toBe(false)
    expect(status.services.map((s) => s.state)).toEqual(['missing', 'missing', 'missing'])
  })
})

describe('StackService.down and logs', () => {
  it('removes containers and network but keeps the data volumes by default', async () => {
    const service = createService()
    await service.up()
    await service.down()
    expect(api.containers.size).toBe(0)
    expect(api.networks.size).toBe(0)
    expect(api.volumes.size).toBe(2)
  })

  it('deletes the data volumes when asked', async () => {
    const service = createService()
    await service.up()
    await service.down({ volumes: true })
    expect(api.volumes.size).toBe(0)
  })

  it("reads a service's logs", async () => {
    const service = createService()
    await service.up({ services: ['postgres'] })
    await expect(service.logs('postgres')).resolves.toContain('driftdesk-postgres started')
    await expect(service.logs('grafana')).rejects.toMatchObject({ code: 'STACK_UNHEALTHY' })
  })

  it("blames a stopped PostgreSQL, not the network's name lookup, when Adminer cannot reach it", async () => {
    await createService().up({ services: ['postgres', 'adminer'] })
    const postgres = api.containers.get('driftdesk-postgres')
    if (postgres === undefined) throw new Error('no postgres container')
    postgres.status = 'exited'
    const lookupFails: HealthProbes = {
      ...probes,
      adminer: () =>
        Promise.reject(
          new AppError('STACK_UNHEALTHY', `could not translate host name. ${NAME_LOOKUP_ADVICE}`),
        ),
    }
    const status = await createService({ probes: lookupFails }).status()
    expect(status.services[2]?.detail).toBe(
      'Adminer is up but PostgreSQL is not running: start it with `driftdesk stack up`.',
    )
    postgres.status = 'running'
    const again = await createService({ probes: lookupFails }).status()
    expect(again.services[2]?.detail).toContain(NAME_LOOKUP_ADVICE)
  })

  it('replaces the Adminer token and every stack secret in logs with *** (issue 9)', async () => {
    const service = createService()
    await service.up({ services: ['postgres', 'adminer'] })
    const secrets = JSON.parse(await readFile(join(home, 'stack', 'secrets.json'), 'utf8')) as {
      adminerToken: string
      postgresPassword: string
    }
    const adminer = api.containers.get('driftdesk-adminer')
    if (adminer === undefined) throw new Error('no adminer container')
    adminer.logs += `[Mon Dec  7 10:00:00 2026] 10.89.0.1:40000 [200]: GET /?driftdesk_token=${secrets.adminerToken}\n`
    adminer.logs += `[Mon Dec  7 10:00:01 2026] 10.89.0.1:40002 [200]: GET /?driftdesk_token=old-token&x=1\n`
    adminer.logs += `echo ${secrets.postgresPassword}\n`
    const shown = await service.logs('adminer')
    expect(shown).toContain('GET /?driftdesk_token=***\n')
    expect(shown).toContain('GET /?driftdesk_token=***&x=1')
    expect(shown).toContain('echo ***')
    expect(shown).not.toContain(secrets.adminerToken)
    expect(shown).not.toContain(secrets.postgresPassword)
  })

  it('gives the backfill the database URL with its password once PostgreSQL answers', async () => {
    const service = createService()
    await expect(service.databaseUrl()).resolves.toBeNull()
    await service.up({ services: ['postgres'] })
    const secrets = JSON.parse(await readFile(join(home, 'stack', 'secrets.json'), 'utf8')) as {
      postgresPassword: string
    }
    await expect(service.databaseUrl()).resolves.toBe(
      `postgresql://postgres:${secrets.postgresPassword}@127.0.0.1:5432/driftdesk`,
    )
  })
})
