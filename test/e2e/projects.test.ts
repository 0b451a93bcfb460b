import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isClose } from '../support/answer-keys'
import { chromiumCapability, hasCapability } from '../support/capabilities'
import { readOwnDataKey } from '../support/own-data-keys'
import type { PanelPage } from './panel-page'
import type { PanelSession } from './panel-session'
import { buildPanel, repoRoot, startPanelSession } from './panel-session'

/**
 * A learner's own project end to end, in browser mode, in Debian's Chromium (issue #11): create a
 * project from two CSV files, read the proposed type of each column, correct the mapping, save it, pick
 * it, and open one window's data-drift report and test suite, whose numbers must equal Evidently
 * 0.4.16's answer key. With ../shared the data is the `fair` dataset (5 day windows); on a fresh clone
 * the generated log under test/fixtures (3 day windows), with its own key.
 * The new-project screenshot goes to test-results/screenshots/projects.png and, with the fair data, to
 * docs/screenshots/ (when missing, or with DRIFTDESK_UPDATE_SCREENSHOTS=1) for the README.
 */
const root = repoRoot
const screenshotDir = join(root, 'test-results', 'screenshots')
const hasChromium = hasCapability(chromiumCapability)

const FAIR_DIR = resolve(root, '..', 'shared', 'answers', 'evidently-0.4-own-data-fair')
const SYNTHETIC_DIR = join(root, 'test', 'fixtures', 'evidently', 'own-data-synthetic')
const isFair = existsSync(join(FAIR_DIR, 'current.csv')) && existsSync(join(FAIR_DIR, 'reports'))

interface Dataset {
  readonly dir: string
  readonly name: string
  /** Proposed roles a reader checks (Evidently 0.4's inference). */
  readonly proposed: Readonly<Record<string, string>>
  /** The corrections the learner makes (the keys' explicit mapping). */
  readonly corrections: Readonly<Record<string, string>>
  readonly windows: readonly string[]
  readonly window: string
}

const DATASET: Dataset = isFair
  ? {
      dir: FAIR_DIR,
      name: 'fair',
      proposed: {
        ts: 'datetime',
        // Not named 'target', so Evidently takes it for a feature: the learner says what it is.
        affairs: 'numerical',
        prediction: 'prediction',
        // Integer occupation codes: numerical, however few values they have.
        occupation: 'numerical',
        age: 'numerical',
      },
      corrections: {
        affairs: 'target',
        occupation: 'categorical',
        occupation_husb: 'categorical',
      },
      windows: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'],
      window: '2024-01-02',
    }
  : {
      dir: SYNTHETIC_DIR,
      name: 'shop',
      proposed: {
        ts: 'datetime',
        level: 'numerical',
        city: 'categorical',
        flag: 'categorical',
        target: 'target',
        prediction: 'prediction',
      },
      // The key's mapping is the proposal itself: nothing to correct.
      corrections: {},
      windows: ['2024-05-01', '2024-05-02', '2024-05-03'],
      window: '2024-05-01',
    }

describe.skipIf(!hasChromium)('own projects in the panel (Chromium, browser mode)', () => {
  let home: string
  let session: PanelSession | undefined
  let page: Page
  let panel: PanelPage
  const reference = join(DATASET.dir, 'reference.csv')
  const current = join(DATASET.dir, 'current.csv')

  beforeAll(async () => {
    buildPanel()
    mkdirSync(screenshotDir, { recursive: true })
    home = mkdtempSync(join(tmpdir(), 'driftdesk-e2e-projects-'))
    session = await startPanelSession({
      home,
      workers: 1,
      viewport: { width: 1280, height: 900 },
      label: 'e2e',
    })
    ;({ page, panel } = session)
  })

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && session !== undefined)
      console.error(await session.describeFailure(task.name))
  })

  afterAll(async () => {
    await session?.close()
    if (home !== undefined) rmSync(home, { recursive: true, force: true })
  })

  it('shows the project picker on every view, with the course picked', async () => {
    await page.waitForSelector('[data-testid=project-select] option[value=nyc-taxi]', {
      state: 'attached',
    })
    for (const view of ['setup', 'model', 'backfill', 'reports', 'suites', 'runs'] as const) {
      await panel.open(view)
      expect(await page.isVisible('[data-testid=project-picker]'), view).toBe(true)
      expect(await page.inputValue('[data-testid=project-select]'), view).toBe('nyc-taxi')
    }
  })

  it("reads the files' columns and proposes each one's type as Evidently 0.4 infers it", async () => {
    await page.click('[data-testid=project-new]')
    await page.waitForSelector('nav [data-view=projects][aria-current=page]', { state: 'attached' })
    await page.fill('[data-testid=project-reference]', reference)
    await page.fill('[data-testid=project-current]', current)
    await page.click('[data-testid=project-inspect]')
    await page.waitForSelector('[data-testid=project-columns] tbody tr')
    for (const [column, role] of Object.entries(DATASET.proposed)) {
      const row = page.locator(`[data-testid=project-columns] tr[data-column="${column}"]`)
      expect(await row.getAttribute('data-proposed'), column).toBe(role)
      expect(await row.locator('[data-testid=column-role]').inputValue(), column).toBe(role)
    }
    expect(await page.inputValue('[data-testid=project-window-column]')).toBe('ts')
    expect(await page.inputValue('[data-testid=project-window-every]')).toBe('1d')
    expect(await page.locator('[data-testid=project-preview] tbody tr').count()).toBe(10)
  })

  it('shows a problem next to the field it concerns, worded for the panel', async () => {
    await page.fill('[data-testid=project-name]', 'my project!')
    await page.click('[data-testid=project-save]')
    const problem = page.locator('[data-testid=new-project] li[data-field=name]')
    await problem.waitFor()
    expect(await problem.textContent()).toContain('letters, digits')
    // A timestamp window needs its column: choosing none says so under the window column.
    await page.fill('[data-testid=project-name]', DATASET.name)
    await page.selectOption('[data-testid=project-window-column]', {
      label: 'no timestamp (rows or all)',
    })
    await page.click('[data-testid=project-save]')
    const windowProblem = page.locator('[data-testid=new-project] li[data-field="window.column"]')
    await windowProblem.waitFor()
    expect(await windowProblem.textContent()).toContain('timestamp column')
    expect(await page.isVisible('[data-testid=project-saved]')).toBe(false)
    await page.selectOption('[data-testid=project-window-column]', 'ts')
  })

  it('takes the corrected mapping, saves the project and picks it', async () => {
    for (const [column, role] of Object.entries(DATASET.corrections)) {
      await page.selectOption(
        `[data-testid=project-columns] tr[data-column="${column}"] [data-testid=column-role]`,
        role,
      )
    }
    await page.click('[data-testid=project-save]')
    await page.waitForSelector('[data-testid=project-saved]')
    // The view itself (the whole form, taller than the window), without the sidebar.
    await page.locator('main').screenshot({ path: join(screenshotDir, 'projects.png') })
    expect(await page.inputValue('[data-testid=project-select]')).toBe(DATASET.name)
    expect(
      await page.locator(`[data-testid=project-list] tr[data-project="${DATASET.name}"]`).count(),
    ).toBe(1)
  })

  it(`opens window ${DATASET.window}'s data-drift report, equal to Evidently 0.4's`, async () => {
    await panel.open('reports')
    const windowSelect = page.locator('[data-testid=report-window]')
    await page.waitForSelector('[data-testid=report-window] option', { state: 'attached' })
    const labels = await windowSelect
      .locator('option')
      .evaluateAll((options) => options.map((o) => o.getAttribute('value')))
    expect(labels).toEqual(DATASET.windows)
    await windowSelect.selectOption(DATASET.window)
    await page.selectOption('[data-testid=report-preset]', 'data-drift')
    await page.click('[data-testid=load-report]')
    await page.waitForSelector('[data-testid=report][data-preset=data-drift]', { timeout: 120_000 })
    const scores = await panel.driftScores()
    const key = readOwnDataKey(DATASET.dir, DATASET.window, 'data_drift.json').as_dict as {
      metrics: { metric: string; result: Record<string, unknown> }[]
    }
    const table = key.metrics.find((m) => m.metric === 'DataDriftTable')?.result
      .drift_by_columns as Record<string, { drift_score: number }>
    expect(Object.keys(scores).sort()).toEqual(Object.keys(table).sort())
    for (const [column, score] of Object.entries(scores))
      expect(isClose(score, table[column]?.drift_score ?? Number.NaN), `${column}: ${score}`).toBe(
        true,
      )
    const charts = await panel.charts()
    expect(charts).toHaveLength(2)
    expect(charts[0]?.points).toBe(Object.keys(table).length)
  })

  it(`runs window ${DATASET.window}'s data-drift test suite, as Evidently 0.4 does`, async () => {
    await panel.open('suites')
    await page.waitForSelector('[data-testid=suite-window] option', { state: 'attached' })
    await page.selectOption('[data-testid=suite-window]', DATASET.window)
    await page.selectOption('[data-testid=suite-preset]', 'data-drift')
    await page.click('[data-testid=run-suite]')
    await page.waitForSelector('[data-testid=suite][data-preset=data-drift]', { timeout: 120_000 })
    const results = await panel.testResults()
    const key = readOwnDataKey(DATASET.dir, DATASET.window, 'data_drift_tests.json').as_dict as {
      tests: { name: string; status: string }[]
    }
    expect([...results].sort()).toEqual(key.tests.map((t) => `${t.name}: ${t.status}`).sort())
  })

  it('backfills the project from the Backfill view: each window as it arrives, then stored, and its run on Runs', async () => {
    await panel.open('backfill')
    await page.waitForSelector('[data-testid=project-stored-windows]')
    expect(await page.textContent('[data-testid=project-stored-windows]')).toContain(
      'No window stored yet',
    )
    expect(await page.isDisabled('[data-testid=start-backfill]')).toBe(false)
    await page.click('[data-testid=start-backfill]')
    await page.waitForSelector('[data-testid=project-backfill-final]', { timeout: 120_000 })
    expect(await page.textContent('[data-testid=project-backfill-final]')).toContain(
      `0 reused, ${DATASET.windows.length} computed (${DATASET.windows.length} window(s) stored)`,
    )
    expect(await page.textContent('[data-testid=backfill-status]')).toContain('completed')
    for (const window of DATASET.windows) {
      expect(
        await page.isVisible(`[data-testid=project-backfill-progress] li[data-window="${window}"]`),
        window,
      ).toBe(true)
      await page.waitForSelector(
        `[data-testid=project-stored-windows] tr[data-window="${window}"]`,
        { timeout: 30_000 },
      )
    }
    await page.screenshot({ path: join(screenshotDir, 'project-backfill.png'), fullPage: true })
    await panel.open('runs')
    await page.waitForSelector('[data-testid=runs-table] tr[data-run-state=Completed]')
    expect(await page.textContent('[data-testid=runs-table]')).toContain('backfill')
  })

  it('remembers the picked project across a reload, and goes back to the course', async () => {
    await page.reload()
    await page.waitForSelector(`[data-testid=project-select] option[value="${DATASET.name}"]`, {
      state: 'attached',
    })
    expect(await page.inputValue('[data-testid=project-select]')).toBe(DATASET.name)
    await page.selectOption('[data-testid=project-select]', 'nyc-taxi')
    await panel.open('reports')
    expect(await page.isVisible('[data-testid=report-date]')).toBe(true)
    expect(await page.isVisible('[data-testid=report-window]')).toBe(false)
  })

  it('fits 360 px: the picker above the view and the new-project form, without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 })
    try {
      for (const view of ['projects', 'reports', 'backfill'] as const) {
        await panel.open(view)
        await page.waitForTimeout(300)
        expect(await page.isVisible('[data-testid=project-select]'), view).toBe(true)
        expect(await panel.horizontalOverflow(), `${view} scrolls sideways`).toBeLessThanOrEqual(0)
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  })

  it('logged no console errors, and keeps the screenshot for the README', () => {
    expect(session!.consoleErrors).toEqual([])
    if (isFair) {
      const target = join(root, 'docs', 'screenshots', 'projects.png')
      if (process.env.DRIFTDESK_UPDATE_SCREENSHOTS === '1' || !existsSync(target))
        copyFileSync(join(screenshotDir, 'projects.png'), target)
    }
  })
})
