/**
 * The panel's side of a live session in a process of its own, for the SIGKILL test
 * (test/integration/live-session-orphans.test.ts): runs a LiveSession over the real CLI entry with the
 * real serve / collect / replay command lines, and prints one JSON line `{ pids, serviceUrl }` once
 * the three children run and the service is healthy. Then it waits to be killed. Run with
 * `node --import tsx`; DATABASE_URL, DRIFTDESK_HOME and DRIFTDESK_DATA_DIR come from its environment.
 */
import process from 'node:process'
import { findEphemeralLoopbackPort } from '../../src-main/adapters/network/port-availability'
import { sourceCliEntry } from '../../src-main/services/live/live-commands'
import { LiveSession } from '../../src-main/services/live/live-session'

const controller = new AbortController()
const session = new LiveSession({
  jobId: 'orphans-1',
  project: 'nyc-taxi',
  month: '2022-02',
  // One trip per second of event time: the replay is still sending when the parent is killed.
  speed: 1,
  cli: sourceCliEntry(),
  baseEnv: process.env,
  env: {},
  findPort: findEphemeralLoopbackPort,
  signal: controller.signal,
  healthTimeoutMs: 180_000,
  onLine: (name, line) => process.stderr.write(`[${name}] ${line}\n`),
})
const running = session.run()
running.catch(() => undefined)
const deadline = Date.now() + 240_000
for (;;) {
  const status = session.status()
  if (status.state === 'failed' || status.state === 'stopped')
    throw new Error(`the session ended: ${JSON.stringify(status)}`)
  const pids = status.processes.map((p) => p.pid)
  if (
    status.health === 'ok' &&
    status.processes.every((p) => p.state === 'running') &&
    pids.every((pid) => pid !== null)
  ) {
    process.stdout.write(`${JSON.stringify({ pids, serviceUrl: status.serviceUrl })}\n`)
    break
  }
  if (Date.now() > deadline) throw new Error(`never ran: ${JSON.stringify(status)}`)
  await new Promise((resolve) => setTimeout(resolve, 200))
}
// Held until SIGKILL: nothing here may run a stop (that is the point of the test).
setInterval(() => undefined, 60_000)
