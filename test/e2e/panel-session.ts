import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { expect } from 'vitest'
import { CHROMIUM_PATH } from '../support/capabilities'
import { PanelPage } from './panel-page'

/** The repository's root, where the panel is built and started from. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Builds the renderer the browser-mode panel serves; the e2e files run against this build. */
export function buildPanel(): void {
  const build = spawnSync(join(repoRoot, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
  expect(build.status, build.stderr).toBe(0)
}

export interface PanelSessionOptions {
  /** The panel's DRIFTDESK_HOME; made and removed by the caller (a test may prepare it first). */
  readonly home: string
  /** Passed as --data-dir when given. */
  readonly dataDir?: string
  readonly workers: number
  /** Added to the panel's environment (DATABASE_URL, ...). */
  readonly env?: Readonly<Record<string, string>>
  readonly viewport: { readonly width: number; readonly height: number }
  /** Prefixes the failure report, e.g. 'e2e live' prints "[e2e live] NAME failed.". */
  readonly label: string
}

export interface PanelSession {
  readonly url: string
  readonly browser: Browser
  readonly page: Page
  readonly panel: PanelPage
  /** Console errors and uncaught page errors, in order; a test asserts it stays empty. */
  readonly consoleErrors: string[]
  /** What the panel's process wrote to stderr so far. */
  log(): string
  /** The panel's stderr tail, the page's text and the console errors, for a failed test. */
  describeFailure(testName: string): Promise<string>
  /** Closes the browser and stops the panel (SIGTERM, then waits for its exit). */
  close(): Promise<void>
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/**
 * Starts the browser-mode panel (`src-main/server/main.ts --json`) on the given home, reads the URL it
 * prints, and opens it in Debian's Chromium at the setup view. Should a step fail, what was started
 * is stopped before the error is rethrown, so a failed beforeAll leaves no process behind.
 */
export async function startPanelSession(options: PanelSessionOptions): Promise<PanelSession> {
  const dataDirArgs = options.dataDir === undefined ? [] : ['--data-dir', options.dataDir]
  const server: ChildProcessWithoutNullStreams = spawn(
    join(repoRoot, 'node_modules', '.bin', 'tsx'),
    ['src-main/server/main.ts', '--json', ...dataDirArgs, '--workers', String(options.workers)],
    { cwd: repoRoot, env: { ...process.env, ...options.env, DRIFTDESK_HOME: options.home } },
  )
  let serverLog = ''
  server.stderr.on('data', (chunk: Buffer) => (serverLog += chunk.toString()))
  let browser: Browser | undefined

  async function close(): Promise<void> {
    await browser?.close()
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolveExit) => server.once('exit', resolveExit))
      server.kill('SIGTERM')
      await exited
    }
  }

  try {
    const firstLine = await new Promise<string>((resolveLine, reject) => {
      const lines = createInterface({ input: server.stdout })
      lines.once('line', resolveLine)
      server.once('exit', (code) =>
        reject(new Error(`the panel exited with ${code}: ${serverLog}`)),
      )
    })
    const { url } = JSON.parse(firstLine) as { url: string }
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    })
    const page = await browser.newPage({ viewport: { ...options.viewport } })
    const consoleErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    const panel = new PanelPage(page)
    await page.goto(url)
    await page.waitForSelector('nav [data-view=setup][aria-current=page]')
    return {
      url,
      browser,
      page,
      panel,
      consoleErrors,
      log: () => serverLog,
      // A failure on a loaded CI machine is hard to reproduce: say what the panel's process and page said.
      async describeFailure(testName) {
        const pageText = await page.textContent('main', { timeout: 2000 }).catch(() => null)
        return (
          `[${options.label}] ${testName} failed.\npanel stderr (last 4,000 characters):\n${serverLog.slice(-4000)}\n` +
          `page text:\n${(pageText ?? '(unreadable)').slice(0, 2000)}\nconsole errors: ${JSON.stringify(consoleErrors)}`
        )
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
