import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { translateDockerError } from './docker-errors'

const context = {
  action: 'pull image postgres:15',
  endpoint: 'unix:///var/run/docker.sock',
  image: 'postgres:15',
}

describe('translateDockerError', () => {
  it('maps a missing or refused socket to DOCKER_UNAVAILABLE with what to start', () => {
    for (const code of ['ENOENT', 'ECONNREFUSED', 'ECONNRESET']) {
      const error = translateDockerError(
        Object.assign(new Error(`connect ${code}`), { code }),
        context,
      )
      expect(error.code).toBe('DOCKER_UNAVAILABLE')
      expect(error.message).toContain('unix:///var/run/docker.sock')
      expect(error.message).toMatch(/Start Docker Desktop/)
    }
  })

  it('explains a permission problem on the socket', () => {
    const error = translateDockerError(
      Object.assign(new Error('connect EACCES'), { code: 'EACCES' }),
      context,
    )
    expect(error.code).toBe('DOCKER_UNAVAILABLE')
    expect(error.message).toMatch(/docker" group/)
  })

  it('maps 401/403 and "denied" to IMAGE_PULL_DENIED', () => {
    expect(
      translateDockerError(
        Object.assign(new Error('x'), { statusCode: 401, json: { message: 'unauthorized' } }),
        context,
      ).code,
    ).toBe('IMAGE_PULL_DENIED')
    expect(
      translateDockerError(
        new Error('pull access denied for foo, repository does not exist'),
        context,
      ).code,
    ).toBe('IMAGE_PULL_DENIED')
  })

  it('maps a 404 or an unreachable registry to IMAGE_NOT_FOUND naming the image', () => {
    const notFound = translateDockerError(
      Object.assign(new Error('x'), { statusCode: 404, json: { message: 'manifest unknown' } }),
      context,
    )
    expect(notFound.code).toBe('IMAGE_NOT_FOUND')
    expect(notFound.message).toContain('postgres:15')
    const offline = translateDockerError(
      new Error('dial tcp: lookup registry-1.docker.io: no such host'),
      context,
    )
    expect(offline.code).toBe('IMAGE_NOT_FOUND')
    expect(offline.message).toMatch(/Connect to the internet/)
  })

  it("maps the engine's port conflicts (Docker and Podman wording) to PORT_IN_USE", () => {
    const docker = translateDockerError(
      Object.assign(new Error('x'), {
        statusCode: 500,
        json: { message: 'Bind for 127.0.0.1:5432 failed: port is already allocated' },
      }),
      { action: 'start driftdesk-postgres' },
    )
    const podman = translateDockerError(
      new Error('rootlessport listen tcp 127.0.0.1:5432: bind: address already in use'),
      { action: 'start driftdesk-postgres' },
    )
    expect(docker.code).toBe('PORT_IN_USE')
    expect(podman.code).toBe('PORT_IN_USE')
  })

  it('keeps an AppError as is and falls back to INTERNAL with the engine message', () => {
    const original = new AppError('CANCELLED', 'stopped')
    expect(translateDockerError(original, context)).toBe(original)
    const other = translateDockerError(
      Object.assign(new Error('x'), { statusCode: 500, json: { message: 'disk full' } }),
      { action: 'create volume v' },
    )
    expect(other.code).toBe('INTERNAL')
    expect(other.message).toBe('Could not create volume v: disk full')
  })
})
