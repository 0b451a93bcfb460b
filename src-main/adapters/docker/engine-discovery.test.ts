import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import type { ContainerEngine } from './docker-engine'
import type { EngineLocation } from './engine-discovery'
import { discoverEngine, listEngineCandidates } from './engine-discovery'

const linux: EngineLocation = { env: {}, homeDir: '/home/ada', uid: 1000, platform: 'linux' }

function fakeEngine(
  endpoint: string,
  behaviour: 'answers' | 'refuses' | 'denied',
): ContainerEngine {
  return {
    endpoint,
    ping: () => {
      if (behaviour === 'answers') {
        return Promise.resolve({
          name: 'Podman Engine',
          version: '4.3.1',
          apiVersion: '1.41',
          endpoint,
          source: '',
        })
      }
      const code = behaviour === 'refuses' ? 'ECONNREFUSED' : 'EACCES'
      return Promise.reject(
        new AppError(
          'DOCKER_UNAVAILABLE',
          `the container engine at ${endpoint} is not reachable (${code}).`,
        ),
      )
    },
  } as Pick<ContainerEngine, 'endpoint' | 'ping'> as ContainerEngine
}

describe('listEngineCandidates', () => {
  it('looks at Docker, Docker Desktop and Podman sockets in order', () => {
    expect(listEngineCandidates(linux).map((candidate) => candidate.endpoint)).toEqual([
      'unix:///var/run/docker.sock',
      'unix:///home/ada/.docker/run/docker.sock',
      'unix:///home/ada/.docker/desktop/docker.sock',
      'unix:///run/user/1000/podman/podman.sock',
      'unix:///run/podman/podman.sock',
    ])
  })

  it('uses XDG_RUNTIME_DIR for rootless Podman', () => {
    const endpoints = listEngineCandidates({ ...linux, env: { XDG_RUNTIME_DIR: '/tmp/xdg' } }).map(
      (c) => c.endpoint,
    )
    expect(endpoints).toContain('unix:///tmp/xdg/podman/podman.sock')
  })

  it('honours DOCKER_HOST alone when it is set', () => {
    expect(
      listEngineCandidates({ ...linux, env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } }),
    ).toEqual([{ endpoint: 'tcp://127.0.0.1:2375', source: 'DOCKER_HOST' }])
  })

  it('uses the named pipe on Windows', () => {
    expect(listEngineCandidates({ ...linux, platform: 'win32' })[0]?.endpoint).toBe(
      'npipe:////./pipe/docker_engine',
    )
  })
})

describe('discoverEngine', () => {
  it('returns the first engine that answers, saying where it was found', async () => {
    const result = await discoverEngine(linux, {
      socketExists: (path) => path === '/run/podman/podman.sock',
      createEngine: (endpoint) => fakeEngine(endpoint, 'answers'),
    })
    expect(result.discovery).toEqual({
      found: true,
      engine: {
        name: 'Podman Engine',
        version: '4.3.1',
        apiVersion: '1.41',
        endpoint: 'unix:///run/podman/podman.sock',
        source: 'Podman (rootful)',
      },
    })
    expect(result.engine?.endpoint).toBe('unix:///run/podman/podman.sock')
  })

  it('says what to install when no socket exists, and that the app keeps working', async () => {
    const result = await discoverEngine(linux, { socketExists: () => false })
    expect(result.engine).toBeNull()
    expect(result.discovery.found).toBe(false)
    if (result.discovery.found) return
    expect(result.discovery.message).toMatch(
      /^No container engine found: install Docker Engine .* or Podman/,
    )
    expect(result.discovery.message).toMatch(/embedded database/)
    expect(result.discovery.tried).toHaveLength(5)
  })

  it('says to start the engine when its socket exists but refuses', async () => {
    const result = await discoverEngine(linux, {
      socketExists: (path) => path === '/var/run/docker.sock',
      createEngine: (endpoint) => fakeEngine(endpoint, 'refuses'),
    })
    expect(result.discovery.found).toBe(false)
    if (result.discovery.found) return
    expect(result.discovery.message).toMatch(
      /installed but not answering at \/var\/run\/docker\.sock: start Docker Desktop/,
    )
  })

  it('explains the docker group when the socket is not permitted', async () => {
    const result = await discoverEngine(linux, {
      socketExists: (path) => path === '/var/run/docker.sock',
      createEngine: (endpoint) => fakeEngine(endpoint, 'denied'),
    })
    if (result.discovery.found) throw new Error('expected no engine')
    expect(result.discovery.message).toMatch(/"docker" group/)
  })

  it('does not fall back to other sockets when DOCKER_HOST fails', async () => {
    const created: string[] = []
    const result = await discoverEngine(
      { ...linux, env: { DOCKER_HOST: 'unix:///nowhere.sock' } },
      {
        socketExists: () => true,
        createEngine: (endpoint) => {
          created.push(endpoint)
          return fakeEngine(endpoint, 'refuses')
        },
      },
    )
    expect(created).toEqual(['unix:///nowhere.sock'])
    if (result.discovery.found) throw new Error('expected no engine')
    expect(result.discovery.message).toMatch(/DOCKER_HOST=unix:\/\/\/nowhere\.sock/)
  })
})
