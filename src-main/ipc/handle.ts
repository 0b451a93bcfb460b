import type { IpcMainInvokeEvent } from 'electron'
import { ipcMain } from 'electron'
import type { InvokeChannel, RequestOf, ResponseOf, Result } from '../shared/ipc-contract'
import { INVOKE_CHANNELS } from '../shared/ipc-contract'
import type { InvokeHandlers } from '../app/dispatch-request'
import { dispatchRequest } from '../app/dispatch-request'

/** Decides whether an IPC message comes from the panel's own top-level page (not an iframe, not elsewhere). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/**
 * The only `ipcMain.handle` in the app. Registers one channel of the contract: checks the sender frame,
 * validates the request with the contract's guard and answers with the result envelope.
 */
export function handle<C extends InvokeChannel>(
  channel: C,
  implementation: (request: RequestOf<C>) => Promise<ResponseOf<C>>,
  isTrustedSender: SenderCheck,
): void {
  const single = { [channel]: implementation } as unknown as InvokeHandlers
  ipcMain.handle(channel, async (event, request: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event)) {
      return {
        ok: false,
        error: { code: 'FORBIDDEN', message: 'This page may not use the control panel API.' },
      }
    }
    return dispatchRequest(single, channel, request)
  })
}

/** Registers every channel; returns a function that removes them (used on quit and in tests). */
export function registerInvokeHandlers(
  handlers: InvokeHandlers,
  isTrustedSender: SenderCheck,
): () => void {
  for (const channel of INVOKE_CHANNELS) {
    handle(channel, handlers[channel] as never, isTrustedSender)
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel)
  }
}

/** Trusts only the main frame of a page whose URL starts with the panel's own origin. */
export function createSenderCheck(panelOrigin: string): SenderCheck {
  return (event) => {
    const frame = event.senderFrame
    if (frame === null || frame !== event.sender.mainFrame) return false
    try {
      // Not `url.origin`: Node's URL gives the opaque origin "null" for a custom scheme like driftdesk://.
      const url = new URL(frame.url)
      return `${url.protocol}//${url.host}` === panelOrigin
    } catch {
      // A frame without a parseable URL is not the panel.
      return false
    }
  }
}
