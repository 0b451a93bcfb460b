import { createServer } from 'node:net'

/**
 * True when nothing listens on 127.0.0.1:`port`, checked by binding it for a moment. The stack binds
 * loopback only, so loopback is the address that matters. (A wildcard listener on the same port also
 * makes this bind fail, which is what we want: the engine's bind would fail too.)
 */
export function isLoopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true))
    })
  })
}

/**
 * The first free port from `preferred` upward (at most `attempts` tries), skipping `reserved`.
 * Returns `null` when none is free.
 */
export async function findFreeLoopbackPort(
  preferred: number,
  reserved: ReadonlySet<number>,
  isFree: (port: number) => Promise<boolean> = isLoopbackPortFree,
  attempts = 50,
): Promise<number | null> {
  for (let port = preferred; port < preferred + attempts && port < 65536; port += 1) {
    if (!reserved.has(port) && (await isFree(port))) return port
  }
  return null
}

/** A port the operating system reports free on 127.0.0.1 right now (bind to port 0, read, release). */
export function findEphemeralLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
