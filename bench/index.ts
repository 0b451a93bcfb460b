import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * `npm run bench`: runs the default export of every `bench/*.bench.ts` in turn (alphabetical order, or
 * only the files named on the command line, e.g. `npm run bench -- backfill`). Each module measures and
 * prints its own medians; speed is measured here, never asserted in tests.
 */
const folder = dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort()

let failed = 0
for (const file of files) {
  console.log(`\n== ${file}`)
  try {
    const module = (await import(pathToFileURL(join(folder, file)).href)) as {
      default?: () => Promise<unknown>
    }
    if (typeof module.default !== 'function') throw new Error('it has no default export function')
    await module.default()
  } catch (error) {
    failed++
    console.error(
      `${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
  }
}
process.exitCode = failed > 0 ? 1 : 0
