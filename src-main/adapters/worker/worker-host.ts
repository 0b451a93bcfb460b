import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * The one place driftdesk starts a worker thread. Source runs (tsx, vitest) hand us a `.ts` module: the
 * worker is started from a small CommonJS snippet that registers tsx's require hook and then requires the
 * module, since `--import tsx` in `execArgv` does not work for workers on Node 20. A bundled build hands
 * us the bundled `.js` worker, which starts directly.
 */
export function startModuleWorker(moduleUrl: URL, name: string): Worker {
  const modulePath = fileURLToPath(moduleUrl)
  if (!modulePath.endsWith('.ts')) return new Worker(modulePath, { name })
  const require = createRequire(import.meta.url)
  const tsxApi = require.resolve('tsx/cjs/api')
  const bootstrap = `require(${JSON.stringify(tsxApi)}).register();\nrequire(${JSON.stringify(modulePath)});`
  return new Worker(bootstrap, { eval: true, name })
}
