import { BrowserWindow, protocol, session } from 'electron'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { openExternal } from './external-links'
import { PANEL_ORIGIN, createMainWindow, installPanelSession, isPanelUrl } from './window'

const webContentsHandlers = new Map<string, (...args: unknown[]) => void>()
let windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null

vi.mock('electron', () => {
  const webContents = {
    setWindowOpenHandler: vi.fn((handler) => (windowOpenHandler = handler)),
    on: vi.fn((name: string, handler: (...args: unknown[]) => void) =>
      webContentsHandlers.set(name, handler),
    ),
    openDevTools: vi.fn(),
  }
  return {
    app: { isPackaged: true },
    BrowserWindow: vi.fn(function (this: Record<string, unknown>) {
      this.webContents = webContents
      this.once = vi.fn()
      this.show = vi.fn()
      this.loadURL = vi.fn(async () => undefined)
    }),
    protocol: { handle: vi.fn(), registerSchemesAsPrivileged: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
  }
})
vi.mock('./external-links', () => ({ openExternal: vi.fn(async () => true) }))
vi.mock('./server/renderer-files', () => ({
  readRendererFile: vi.fn(async (_dir: string, path: string) =>
    path === '/index.html'
      ? {
          body: Buffer.from('<!doctype html>'),
          contentType: 'text/html; charset=utf-8',
          isDocument: true,
        }
      : null,
  ),
}))

describe('createMainWindow', () => {
  beforeEach(() => {
    vi.mocked(openExternal).mockClear()
    webContentsHandlers.clear()
    const options = {
      preloadPath: '/app/out/preload/index.cjs',
      rendererDir: '/app/out/renderer',
      devServerUrl: null,
      frameOrigins: () => ['http://127.0.0.1:3000'],
    }
    installPanelSession(options)
    createMainWindow(options)
  })

  it('creates the window with the security baseline', () => {
    const options = vi.mocked(BrowserWindow).mock.calls.at(-1)?.[0]
    expect(options?.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(options).toMatchObject({ width: 1280, height: 800 })
  })

  it('denies every permission request', () => {
    const handler = vi
      .mocked(session.defaultSession.setPermissionRequestHandler)
      .mock.calls.at(-1)?.[0]
    const callback = vi.fn()
    handler?.({} as never, 'media', callback, {} as never)
    expect(callback).toHaveBeenCalledWith(false)
  })

  it('denies window.open and hands web links to the checked helper', () => {
    expect(windowOpenHandler?.({ url: 'https://grafana.com/docs' })).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledWith('https://grafana.com/docs')
  })

  it('keeps navigation on the panel', () => {
    const navigate = webContentsHandlers.get('will-navigate')
    const away = { preventDefault: vi.fn() }
    navigate?.(away, 'https://evil.example/')
    expect(away.preventDefault).toHaveBeenCalled()
    const inside = { preventDefault: vi.fn() }
    navigate?.(inside, `${PANEL_ORIGIN}/index.html#/runs`)
    expect(inside.preventDefault).not.toHaveBeenCalled()
  })

  it('locks navigation to the exact panel origin, not a prefix of it (regression: startsWith)', () => {
    const navigate = webContentsHandlers.get('will-navigate')
    const lookalike = { preventDefault: vi.fn() }
    navigate?.(lookalike, `${PANEL_ORIGIN}.evil.example/index.html`)
    expect(lookalike.preventDefault).toHaveBeenCalled()
    expect(isPanelUrl('http://localhost:51730/', 'http://localhost:5173')).toBe(false)
    expect(isPanelUrl('http://localhost:5173.evil.example/', 'http://localhost:5173')).toBe(false)
    expect(isPanelUrl('http://localhost:5173/#/runs', 'http://localhost:5173')).toBe(true)
    expect(isPanelUrl('not a url', 'http://localhost:5173')).toBe(false)
  })

  it('serves the panel with a CSP whose frame-src is the stack origin only', async () => {
    const handler = vi.mocked(protocol.handle).mock.calls.at(-1)?.[1] as (
      request: Request,
    ) => Promise<Response>
    const page = await handler(new Request(`${PANEL_ORIGIN}/index.html`))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain(
      'frame-src http://127.0.0.1:3000;',
    )
    expect((await handler(new Request(`${PANEL_ORIGIN}/missing.js`))).status).toBe(404)
  })
})
