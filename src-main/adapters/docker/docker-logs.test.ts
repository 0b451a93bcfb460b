import { describe, expect, it } from 'vitest'
import { demultiplexDockerLogs } from './docker-logs'

function frame(stream: number, text: string): Uint8Array {
  const payload = new TextEncoder().encode(text)
  const bytes = new Uint8Array(8 + payload.length)
  bytes[0] = stream
  new DataView(bytes.buffer).setUint32(4, payload.length)
  bytes.set(payload, 8)
  return bytes
}

describe('demultiplexDockerLogs', () => {
  it('joins stdout and stderr frames in arrival order without their headers', () => {
    const body = new Uint8Array([
      ...frame(1, 'listening\n'),
      ...frame(2, 'warning: x\n'),
      ...frame(1, 'ready\n'),
    ])
    expect(demultiplexDockerLogs(body)).toBe('listening\nwarning: x\nready\n')
  })

  it('returns raw text unchanged (TTY containers have no frames)', () => {
    expect(demultiplexDockerLogs(new TextEncoder().encode('plain log line\n'))).toBe(
      'plain log line\n',
    )
  })

  it('keeps a truncated last frame instead of throwing', () => {
    const whole = frame(1, 'abcdef')
    expect(demultiplexDockerLogs(whole.subarray(0, 11))).toBe('abc')
  })
})
