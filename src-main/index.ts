import { join } from 'node:path'
import { BrowserWindow, app, dialog } from 'electron'
import { bundledBackfillWorkerFactory } from './adapters/worker/bundled-backfill-worker'
import { bundledProjectBackfillWorkerFactory } from './adapters/worker/bundled-project-backfill-worker'
import { bundledReportWorkerFactory } from './adapters/worker/bundled-report-worker'
import { createControlPanel } from './app/control-panel'
import type { EventSink } from './app/event-sink'
import { loadConfig } from './config/app-config'
import { createSenderCheck, registerInvokeHandlers } from './ipc/handle'
import {
  createMainWindow,
  installPanelSession,
  panelOriginFor,
  registerPanelScheme,
} from './window'

/**
 * Electron composition root: config → control panel (services) → IPC → window. Everything behind the
 * panel is the same code browser mode and the CLI use; this file only wires Electron to it.
 */
const config = loadConfig(process.env)
// All of Electron's own state (cache, local storage, crash dumps) lives under the app's home directory.
app.setPath('userData', join(config.homeDir, 'electron'))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  registerPanelScheme()
  // A failure in startPanel too must end the app: a windowless process would keep the single-instance
  // lock, so every later launch would quit at once.
  void app
    .whenReady()
    .then(startPanel)
    .catch((error: unknown) => {
      console.error('[main] driftdesk failed to start:', error)
      app.exit(1)
    })
}

process.on('unhandledRejection', (reason) => {
  console.error('[main] unhandled rejection:', reason)
})

async function startPanel(): Promise<void> {
  let window: BrowserWindow | null = null
  const sink: EventSink = {
    emit(event, payload) {
      if (window !== null && !window.isDestroyed()) window.webContents.send(event, payload)
    },
  }
  const panel = await createControlPanel({
    config,
    env: process.env,
    sink,
    mode: 'electron',
    version: app.getVersion(),
    createBackfillWorker: bundledBackfillWorkerFactory,
    createReportWorker: bundledReportWorkerFactory,
    createProjectBackfillWorker: bundledProjectBackfillWorkerFactory,
    // The bundle cannot find them from its own location; the app path is the project (or app.asar) root.
    stackAssets: {
      resourcesDir: join(app.getAppPath(), 'resources'),
      dashboardsDir: join(app.getAppPath(), 'dashboards'),
    },
    // The Live view's child processes: the same CLI entry, run by Electron's binary in Node mode.
    cliEntry: {
      command: process.execPath,
      args: ['--import', 'tsx', join(app.getAppPath(), 'src-main', 'cli', 'main.ts')],
      cwd: app.getAppPath(),
      env: { ELECTRON_RUN_AS_NODE: '1' },
    },
    chooseFolder: async () => {
      const options = {
        properties: ['openDirectory' as const],
        title: 'Folder with the TLC trip files',
      }
      const result =
        window === null
          ? await dialog.showOpenDialog(options)
          : await dialog.showOpenDialog(window, options)
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
    chooseFiles: async (side) => {
      const options = {
        properties: ['openFile' as const, 'multiSelections' as const],
        title:
          side === 'reference' ? 'Reference data of your project' : 'Current data of your project',
        filters: [{ name: 'Data files', extensions: ['parquet', 'pq', 'csv', 'jsonl', 'ndjson'] }],
      }
      const result =
        window === null
          ? await dialog.showOpenDialog(options)
          : await dialog.showOpenDialog(window, options)
      return result.canceled ? null : result.filePaths
    },
    log: (line) => console.log(line),
  })
  const devServerUrl = process.env.ELECTRON_RENDERER_URL ?? null
  const unregister = registerInvokeHandlers(
    panel.handlers,
    createSenderCheck(panelOriginFor(app.isPackaged ? null : devServerUrl)),
  )
  const windowOptions = {
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    rendererDir:
      devServerUrl === null || app.isPackaged ? join(import.meta.dirname, '../renderer') : null,
    devServerUrl: app.isPackaged ? null : devServerUrl,
    frameOrigins: () => panel.frameOrigins(),
  }
  installPanelSession(windowOptions)
  const open = (): void => {
    window = createMainWindow(windowOptions)
  }
  open()

  app.on('second-instance', () => {
    if (window === null || window.isDestroyed()) return open()
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  let isClosing = false
  app.on('before-quit', (event) => {
    if (isClosing) return
    isClosing = true
    event.preventDefault()
    unregister()
    panel.close().then(
      () => app.quit(),
      (error: unknown) => {
        console.error('[main] shutting the services down failed:', error)
        app.exit(1)
      },
    )
  })
}
