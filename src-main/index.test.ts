import { app } from 'electron'
import { describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({
  app: {
    setPath: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(async () => undefined),
    quit: vi.fn(),
    exit: vi.fn(),
    on: vi.fn(),
    getVersion: vi.fn(() => '0.0.0'),
    getAppPath: vi.fn(() => '/app'),
    isPackaged: true,
  },
  BrowserWindow: vi.fn(),
  dialog: {},
}))
vi.mock('./window', () => ({
  createMainWindow: vi.fn(),
  installPanelSession: vi.fn(),
  panelOriginFor: vi.fn(() => 'driftdesk://panel'),
  registerPanelScheme: vi.fn(),
}))
vi.mock('./ipc/handle', () => ({ createSenderCheck: vi.fn(), registerInvokeHandlers: vi.fn() }))
vi.mock('./adapters/worker/bundled-backfill-worker', () => ({
  bundledBackfillWorkerFactory: vi.fn(),
}))
vi.mock('./adapters/worker/bundled-report-worker', () => ({
  bundledReportWorkerFactory: vi.fn(),
}))
vi.mock('./adapters/worker/bundled-project-backfill-worker', () => ({
  bundledProjectBackfillWorkerFactory: vi.fn(),
}))
vi.mock('./app/control-panel', () => ({
  createControlPanel: vi.fn(async () => {
    throw new Error('the home directory is not writable')
  }),
}))

describe('the Electron entry', () => {
  it('exits when starting the panel fails after whenReady (regression: a windowless app kept the single-instance lock)', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await import('./index')
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1))
    expect(String(logged.mock.calls[0]?.[1])).toContain('the home directory is not writable')
  })
})
