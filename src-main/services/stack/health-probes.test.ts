import type { Server } from 'node:http'
import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { httpAndSqlHealthProbes, NAME_LOOKUP_ADVICE } from './health-probes'

let server: Server | null = null

/** A real HTTP server answering like Adminer's driftdesk plugin; records the header it was sent. */
async function adminerAnswering(status: number, body: string, seen: string[]): Promise<string> {
  server = createServer((request, response) => {
    seen.push(String(request.headers['x-driftdesk-health'] ?? ''))
    response.writeHead(status, { 'Content-Type': 'text/plain' })
    response.end(body)
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve))
  server = null
})

describe("Adminer's health probe", () => {
  it('is healthy only when the plugin signed in to PostgreSQL, asked with the token in a header', async () => {
    const seen: string[] = []
    const base = await adminerAnswering(200, 'ok\n', seen)
    await expect(httpAndSqlHealthProbes.adminer(base, 'tok')).resolves.toBeUndefined()
    expect(seen).toEqual(['tok'])
  })

  it('is not healthy when only the login page loads (issue 9: a page load proved nothing)', async () => {
    const base = await adminerAnswering(200, '<!DOCTYPE html><form>Login</form>', [])
    await expect(httpAndSqlHealthProbes.adminer(base, 'tok')).rejects.toThrow(
      /not its driftdesk plugin/,
    )
  })

  it('stops waiting and says how to fix a name lookup failure between the containers', async () => {
    const base = await adminerAnswering(
      503,
      'Unable to connect to PostgreSQL server: could not translate host name "postgres" to address: Name or service not known\n',
      [],
    )
    const failure = httpAndSqlHealthProbes.adminer(base, 'tok')
    await expect(failure).rejects.toBeInstanceOf(AppError)
    await expect(failure).rejects.toThrow(NAME_LOOKUP_ADVICE)
  })

  it('keeps waiting while PostgreSQL refuses connections (it may be restarting)', async () => {
    const base = await adminerAnswering(503, 'Connection refused\n', [])
    const failure = httpAndSqlHealthProbes.adminer(base, 'tok')
    await expect(failure).rejects.not.toBeInstanceOf(AppError)
    await expect(failure).rejects.toThrow(/cannot sign in to PostgreSQL: Connection refused/)
  })
})
