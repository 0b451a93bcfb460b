import { describe, expect, it, vi } from 'vitest'
import { TOKEN_REJECTED_CLOSE_CODE } from '../../../src-main/shared/browser-mode-protocol'
import { AppError } from '../../../src-main/shared/errors'
import type { SocketLike } from './websocket-bridge'
import { createWebSocketBridge } from './websocket-bridge'

class FakeSocket implements SocketLike {
  readyState = 0
  readonly sent: string[] = []
  onopen: ((event: unknown) => void) | null = null
  onclose: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  send(data: string): void {
    this.sent.push(data)
  }
  close(code?: number): void {
    this.readyState = 3
    this.onclose?.(code === undefined ? {} : { code })
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

function setup(): { socket: FakeSocket; bridge: ReturnType<typeof createWebSocketBridge> } {
  const socket = new FakeSocket()
  const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws?token=t', {
    createSocket: () => socket,
  })
  return { socket, bridge }
}

describe('createWebSocketBridge', () => {
  it('queues requests until the socket opens, then resolves each by its id', async () => {
    const { socket, bridge } = setup()
    const answer = bridge.invoke('runs:list', { limit: 2 })
    expect(socket.sent).toEqual([])
    socket.open()
    expect(JSON.parse(socket.sent[0] ?? '')).toEqual({
      id: 1,
      channel: 'runs:list',
      request: { limit: 2 },
    })
    socket.receive({ type: 'result', id: 1, result: { ok: true, value: [] } })
    await expect(answer).resolves.toEqual([])
  })

  it('rebuilds an AppError with its code from a failed result', async () => {
    const { socket, bridge } = setup()
    socket.open()
    const answer = bridge.invoke('runs:show', { runId: 'abc' })
    socket.receive({
      type: 'result',
      id: 1,
      result: { ok: false, error: { code: 'RUN_NOT_FOUND', message: 'No run abc.' } },
    })
    const error = await answer.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'RUN_NOT_FOUND', message: 'No run abc.' })
  })

  it('delivers events to subscribers until they unsubscribe', () => {
    const { socket, bridge } = setup()
    const listener = vi.fn()
    const unsubscribe = bridge.on('pipeline:finished', listener)
    socket.receive({
      type: 'event',
      event: 'pipeline:finished',
      payload: { jobId: 'j', outcome: 'cancelled' },
    })
    unsubscribe()
    socket.receive({
      type: 'event',
      event: 'pipeline:finished',
      payload: { jobId: 'k', outcome: 'cancelled' },
    })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith({ jobId: 'j', outcome: 'cancelled' })
  })

  it('fails pending requests when the connection drops and reports the state', async () => {
    const { socket, bridge } = setup()
    const states: string[] = []
    bridge.onStateChange((state) => states.push(state))
    socket.open()
    const answer = bridge.invoke('runs:list', {})
    bridge.close()
    await expect(answer).rejects.toThrow('The connection to driftdesk was lost')
    expect(states).toEqual(['open', 'closed'])
  })

  it('stops reconnecting and reports "unauthorized" when the server rejects the token (regression: a tab opened on the bare URL reconnected for ever)', async () => {
    vi.useFakeTimers()
    try {
      const sockets: FakeSocket[] = []
      const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws?token=', {
        createSocket: () => {
          const socket = new FakeSocket()
          sockets.push(socket)
          return socket
        },
      })
      const answer = bridge.invoke('runs:list', {})
      sockets[0]?.open()
      sockets[0]?.close(TOKEN_REJECTED_CLOSE_CODE)
      await expect(answer).rejects.toThrow('open the URL printed by npm start')
      vi.advanceTimersByTime(10_000)
      expect(sockets).toHaveLength(1)
      expect(bridge.state()).toBe('unauthorized')
    } finally {
      vi.useRealTimers()
    }
  })

  it('reconnects after a drop and tells onReconnect listeners, so stores re-sync what they missed', () => {
    vi.useFakeTimers()
    try {
      const sockets: FakeSocket[] = []
      const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws?token=t', {
        createSocket: () => {
          const socket = new FakeSocket()
          sockets.push(socket)
          return socket
        },
        reconnectDelayMs: 100,
      })
      const reconnected = vi.fn()
      bridge.onReconnect(reconnected)
      sockets[0]?.open()
      expect(reconnected).not.toHaveBeenCalled()
      sockets[0]?.close()
      vi.advanceTimersByTime(100)
      sockets[1]?.open()
      expect(reconnected).toHaveBeenCalledTimes(1)
      expect(bridge.state()).toBe('open')
    } finally {
      vi.useRealTimers()
    }
  })
})
