import type { EventName, InvokeChannel, PayloadOf, Result } from './ipc-contract'

/**
 * Browser mode's WebSocket messages, shared by the server (`src-main/server`) and the renderer's client
 * (`src-renderer/src/api/websocket-bridge.ts`): a request carries a client-chosen numeric id that its
 * result echoes; events carry no id.
 */
export interface ClientMessage {
  readonly id: number
  readonly channel: InvokeChannel
  readonly request: unknown
}

export type ServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: Result<unknown> }
  | {
      readonly [E in EventName]: {
        readonly type: 'event'
        readonly event: E
        readonly payload: PayloadOf<E>
      }
    }[EventName]

export const WEBSOCKET_PATH = '/ws'
export const TOKEN_PARAMETER = 'token'
/**
 * WebSocket close code (private range 4000-4999) for a socket from the panel's own page whose token is
 * missing or wrong: the page must be opened again from the URL `npm start` printed.
 */
export const TOKEN_REJECTED_CLOSE_CODE = 4401
