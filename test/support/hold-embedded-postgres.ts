/**
 * A second real process for the embedded-server sharing tests: starts or adopts the embedded PostgreSQL
 * of `DATA_DIR`/`SECRETS_DIR` (argv), opens a pool, prints `ready`, and on the stdin line `close` closes
 * its pool, releases the server and exits (printing `released`). Run with `node --import tsx`.
 */
import { createInterface } from 'node:readline'
import process from 'node:process'
import { startEmbeddedPostgres } from '../../src-main/adapters/postgres/embedded-postgres-server'
import { createPool } from '../../src-main/adapters/postgres/pool'

const [dataDir, secretsDir] = process.argv.slice(2)
if (dataDir === undefined || secretsDir === undefined)
  throw new Error('usage: DATA_DIR SECRETS_DIR')
const server = await startEmbeddedPostgres({ dataDir, secretsDir })
const pool = createPool(server.url, { applicationName: 'hold-embedded-postgres' })
await pool.query('SELECT 1')
process.stdout.write(`ready ${server.reused ? 'reused' : 'started'}\n`)
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'close') continue
  await pool.end()
  await server.stop()
  process.stdout.write('released\n')
  break
}
process.stdin.destroy()
