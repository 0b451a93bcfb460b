import type { PreloadApi } from '../../../src-main/shared/ipc-contract'
import { deserializeError } from '../../../src-main/shared/errors'
import type { Bridge } from './bridge'

/** Wraps the preload's `window.api`: unwraps each result envelope, throwing an `AppError` on failure. */
export function createElectronBridge(preload: PreloadApi): Bridge {
  return {
    async invoke(channel, request) {
      const result = await preload.invoke(channel, request)
      if (!result.ok) throw deserializeError(result.error)
      return result.value
    },
    on: (event, listener) => preload.on(event, listener),
  }
}
