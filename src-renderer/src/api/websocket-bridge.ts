import type {
  EventName,
  InvokeChannel,
  PayloadOf,
  RequestOf,
  ResponseOf,
  Result,
} from '../../../src-main/shared/ipc-contract'
import type { ClientMessage, ServerMessage } from '../../../src-main/shared/browser-mode-protocol'
import { TOKEN_REJECTED_CLOSE_CODE } from '../../../src-main/shared/browser-mode-protocol'
import { AppError, deserializeError } from '../../../src-main/shared/errors'
import type { Bridge } from './bridge'

/** `unauthorized`: the server refused this tab's token (none, or one from an earlier start); final. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized'

export interface WebSocketBridge extends Bridge {
  readonly state: () => ConnectionState
  onStateChange(listener: (state: ConnectionState) => void): () => void
  /**
   * Called after each reconnection (not the first connection). Events pushed while the socket was
   * down are lost for good, terminal ones included, so stores re-read the state they mirror here.
   */
  onReconnect(listener: () => void): () => void
  close(): void
}

/** The subset of the DOM WebSocket this client uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  onopen: ((event: unknown) => void) | null
  onclose: ((event: { code?: number }) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
}

const OPEN = 1

/**
 * Browser mode's bridge: the same contract over one WebSocket to the local driftdesk server. Requests
 * sent before the socket opens wait for it; when the socket drops, pending requests fail with a clear
 * error and the client reconnects. The server keeps running jobs, but the events it pushed while the
 * socket was down are not replayed: `onReconnect` listeners re-sync instead. A socket closed with
 * `TOKEN_REJECTED_CLOSE_CODE` ends in the `unauthorized` state without reconnecting.
 */
export function createWebSocketBridge(
  url: string,
  options: { createSocket?: (url: string) => SocketLike; reconnectDelayMs?: number } = {},
): WebSocketBridge {
  const createSocket =
    options.createSocket ?? ((target) => new WebSocket(target) as unknown as SocketLike)
  const reconnectDelayMs = options.reconnectDelayMs ?? 1000
  const listeners = new Map<EventName, Set<(payload: never) => void>>()
  const stateListeners = new Set<(state: ConnectionState) => void>()
  const reconnectListeners = new Set<() => void>()
  let hasBeenOpen = false
  const pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >()
  const queue: string[] = []
  let nextId = 1
  let state: ConnectionState = 'connecting'
  let isClosedByUs = false
  let socket: SocketLike

  const setState = (next: ConnectionState): void => {
    state = next
    for (const listener of stateListeners) listener(next)
  }

  const connect = (): void => {
    setState('connecting')
    socket = createSocket(url)
    socket.onopen = () => {
      setState('open')
      for (const message of queue.splice(0)) socket.send(message)
      if (hasBeenOpen) for (const listener of reconnectListeners) listener()
      hasBeenOpen = true
    }
    socket.onclose = (event) => {
      const isTokenRejected = event.code === TOKEN_REJECTED_CLOSE_CODE
      for (const [id, request] of pending) {
        request.reject(
          isTokenRejected
            ? new AppError(
                'INTERNAL',
                'This tab has no valid access token: open the URL printed by npm start.',
              )
            : new AppError('INTERNAL', 'The connection to driftdesk was lost; try again.'),
        )
        pending.delete(id)
      }
      if (isTokenRejected) {
        queue.length = 0
        setState('unauthorized')
        return
      }
      setState('closed')
      if (!isClosedByUs) setTimeout(connect, reconnectDelayMs)
    }
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as ServerMessage
      if (message.type === 'result') {
        const request = pending.get(message.id)
        if (request === undefined) return
        pending.delete(message.id)
        const result: Result<unknown> = message.result
        if (result.ok) request.resolve(result.value)
        else request.reject(deserializeError(result.error))
        return
      }
      for (const listener of listeners.get(message.event) ?? []) {
        ;(listener as (payload: unknown) => void)(message.payload)
      }
    }
  }
  connect()

  return {
    invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      const id = nextId++
      const message: ClientMessage = { id, channel, request }
      const text = JSON.stringify(message)
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
        if (socket.readyState === OPEN) socket.send(text)
        else queue.push(text)
      })
    },
    on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void {
      let set = listeners.get(event)
      if (set === undefined) {
        set = new Set()
        listeners.set(event, set)
      }
      set.add(listener as (payload: never) => void)
      return () => {
        set.delete(listener as (payload: never) => void)
      }
    },
    state: () => state,
    onStateChange(listener) {
      stateListeners.add(listener)
      return () => {
        stateListeners.delete(listener)
      }
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => {
        reconnectListeners.delete(listener)
      }
    },
    close() {
      isClosedByUs = true
      socket.close()
    },
  }
}
