import { BrowserWindow, app, protocol, session } from 'electron'
import { buildContentSecurityPolicy } from './app/content-security-policy'
import { openExternal } from './external-links'
import { readRendererFile } from './server/renderer-files'

/** The built renderer is served from this privileged scheme so every response carries our CSP header. */
export const PANEL_SCHEME = 'driftdesk'
export const PANEL_ORIGIN = `${PANEL_SCHEME}://panel`

/** Must run before `app.whenReady()`: Electron fixes scheme privileges at startup. */
export function registerPanelScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: PANEL_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

export interface MainWindowOptions {
  readonly preloadPath: string
  /** Folder of the built renderer (`out/renderer`), or null in development with a dev server URL. */
  readonly rendererDir: string | null
  readonly devServerUrl: string | null
  /** The stack's localhost origins, read at each page load so a newly started stack can be framed. */
  readonly frameOrigins: () => readonly string[]
}

/**
 * Installs, once per app start, what every panel page relies on: the `driftdesk://panel/` file server
 * whose documents carry the CSP (or, in development, the same CSP on the dev server's documents) and a
 * session that grants no permission prompts (camera, notifications, geolocation…).
 */
export function installPanelSession(options: MainWindowOptions): void {
  const panelOrigin = panelOriginFor(options.devServerUrl)
  if (options.rendererDir !== null) {
    const rendererDir = options.rendererDir
    protocol.handle(PANEL_SCHEME, async (request) => {
      const url = new URL(request.url)
      const file = url.host === 'panel' ? await readRendererFile(rendererDir, url.pathname) : null
      if (file === null) return new Response('Not found', { status: 404 })
      const headers: Record<string, string> = { 'content-type': file.contentType }
      if (file.isDocument) {
        headers['content-security-policy'] = buildContentSecurityPolicy({
          frameOrigins: options.frameOrigins(),
          connectSources: [],
        })
      }
      return new Response(new Uint8Array(file.body), { headers })
    })
  } else {
    // Development: the dev server's documents get the same policy, plus its HMR socket and inline
    // module preamble.
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      const isPanelDocument =
        details.resourceType === 'mainFrame' && isPanelUrl(details.url, panelOrigin)
      const devPolicy = buildContentSecurityPolicy({
        frameOrigins: options.frameOrigins(),
        connectSources: [panelOrigin.replace(/^http/, 'ws')],
      }).replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
      callback({
        responseHeaders: isPanelDocument
          ? { ...details.responseHeaders, 'Content-Security-Policy': [devPolicy] }
          : details.responseHeaders,
      })
    })
  }
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  )
}

/**
 * Creates the panel window with the security baseline: context isolation, sandbox, no Node in the
 * renderer, navigation locked to the panel, `window.open` denied (web links go to the system browser
 * through the one checked helper), no webviews. Call `installPanelSession` once before the first window.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const panelOrigin = panelOriginFor(options.devServerUrl)
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    title: 'driftdesk',
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  })

  window.webContents.setWindowOpenHandler(({ url }) => {
    void openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event, url) => {
    if (!isPanelUrl(url, panelOrigin)) {
      event.preventDefault()
      void openExternal(url)
    }
  })
  window.webContents.on('will-attach-webview', (event) => event.preventDefault())
  window.once('ready-to-show', () => window.show())

  void window.loadURL(options.devServerUrl ?? `${PANEL_ORIGIN}/index.html`)
  if (!app.isPackaged && options.devServerUrl !== null)
    window.webContents.openDevTools({ mode: 'detach' })
  return window
}

export function panelOriginFor(devServerUrl: string | null): string {
  return devServerUrl === null ? PANEL_ORIGIN : new URL(devServerUrl).origin
}

/**
 * True when `url` is on the panel's own origin (protocol + host, exactly). Not `startsWith`: with a dev
 * server at `http://localhost:5173`, `http://localhost:51730/` or `http://localhost:5173.evil.example/`
 * would pass a prefix test. Not `URL.origin`: Node gives the opaque origin "null" for driftdesk://.
 */
export function isPanelUrl(url: string, panelOrigin: string): boolean {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}` === panelOrigin
  } catch {
    // Not a URL at all: certainly not the panel.
    return false
  }
}
