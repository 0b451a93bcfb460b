import type { Page } from 'playwright-core'

/** The part of a DOM canvas the ink count reads (this file is type-checked without the DOM library). */
interface CanvasLike {
  readonly width: number
  readonly height: number
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> }
  } | null
}

/** The part of the page's `document` the waits read. */
interface PageDocument {
  querySelectorAll(selector: string): { readonly length: number }
  querySelector(
    selector: string,
  ): { readonly textContent: string | null; getAttribute(name: string): string | null } | null
}

/** The page's globals as the waits see them (the functions are serialised into the page, so inline only). */
type PageGlobals = {
  readonly document: PageDocument & {
    readonly scrollingElement: { readonly scrollWidth: number } | null
  }
  readonly innerWidth: number
}

/** What recordTimelineDoneCounts() uses of the page: a MutationObserver and a slot for its record. */
type ObservedPageGlobals = PageGlobals & {
  readonly document: { readonly body: unknown }
  readonly MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: Record<string, unknown>): void
  }
  __doneCounts?: Set<number>
}

/** What one chart on the page draws, read from the attributes ChartBox writes, and its drawn height. */
export interface DrawnChart {
  readonly label: string
  readonly series: readonly string[]
  readonly points: number
  readonly height: number
}

/** The views of the panel's sidebar, by their `data-view` id. */
export type PanelView =
  | 'setup'
  | 'projects'
  | 'model'
  | 'backfill'
  | 'reports'
  | 'suites'
  | 'runs'
  | 'live'
  | 'grafana'
  | 'adminer'

/**
 * Page object of the control panel: what a person does (open a view, start a backfill, pick a day) and
 * what they read (timeline states, drift scores, test statuses), so the test reads as the user's story
 * and selectors live in one place.
 */
export class PanelPage {
  constructor(readonly page: Page) {}

  /** Opens a view from the sidebar, or on a narrow window from the menu the sidebar collapses into. */
  async open(view: PanelView): Promise<void> {
    const item = this.page.locator(`nav [data-view=${view}]`)
    if (
      !(await item.isVisible()) &&
      (await this.page.locator('[data-testid=nav-toggle]').isVisible())
    )
      await this.page.click('[data-testid=nav-toggle]')
    await item.click()
    await this.page.waitForSelector(`nav [data-view=${view}][aria-current=page]`, {
      state: 'attached',
    })
  }

  /** Every chart of the current view: its series, points with a value, and height on screen. */
  async charts(): Promise<DrawnChart[]> {
    return this.page.$$eval('[data-testid=chart]', (elements) =>
      elements.map((element) => ({
        label: element.getAttribute('aria-label') ?? '',
        series: (element.getAttribute('data-series') ?? '').split('|').filter(Boolean),
        points: Number(element.getAttribute('data-points') ?? 0),
        height: element.getBoundingClientRect().height,
      })),
    )
  }

  /** How far the page could scroll sideways (0 when it fits the window). */
  async horizontalOverflow(): Promise<number> {
    return this.page.evaluate(() => {
      const globals = globalThis as unknown as PageGlobals
      return (globals.document.scrollingElement?.scrollWidth ?? 0) - globals.innerWidth
    })
  }

  /** The raw value behind a tile (its `data-value`), for comparing with an answer key. */
  async tileRawValue(testId: string): Promise<number> {
    return Number(await this.page.getAttribute(`[data-testid=${testId}]`, 'data-value'))
  }

  async trainModel(): Promise<void> {
    await this.open('model')
    await this.page.click('[data-testid=train-model]')
    await this.page.waitForSelector('[data-testid=model-summary]', { timeout: 120_000 })
  }

  async tileValue(label: string): Promise<string> {
    const tile = this.page.locator('.tile', {
      has: this.page.locator('.label', { hasText: label }),
    })
    return (await tile.locator('.value').first().textContent())?.trim() ?? ''
  }

  async startBackfill(options: {
    month: string
    days: number
    paceSeconds: number
  }): Promise<void> {
    await this.open('backfill')
    await this.page.fill('[data-testid=backfill-month]', options.month)
    await this.page.fill('[data-testid=backfill-days]', String(options.days))
    await this.page.fill('input[type=number][step="0.5"]', String(options.paceSeconds))
    await this.page.click('[data-testid=start-backfill]')
  }

  /** Counts of timeline cells per state, read from the DOM. */
  async timelineStates(): Promise<Record<string, number>> {
    return this.page.$$eval('li.day', (cells) => {
      const counts: Record<string, number> = {}
      for (const cell of cells) {
        const state = cell.getAttribute('data-state') ?? '?'
        counts[state] = (counts[state] ?? 0) + 1
      }
      return counts
    })
  }

  /**
   * Records, in the page, every distinct number of finished days the timeline shows from now on. A
   * MutationObserver sees each render, however slowly the test process polls on a loaded machine.
   */
  async recordTimelineDoneCounts(): Promise<void> {
    await this.page.evaluate(() => {
      const page = globalThis as unknown as ObservedPageGlobals
      const seen = new Set<number>()
      const record = (): void => {
        seen.add(page.document.querySelectorAll('li.day[data-state=done]').length)
      }
      record()
      new page.MutationObserver(record).observe(page.document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-state'],
      })
      page.__doneCounts = seen
    })
  }

  /** The finished-day counts seen since recordTimelineDoneCounts(), in ascending order. */
  async recordedTimelineDoneCounts(): Promise<number[]> {
    return this.page.evaluate(() =>
      [...((globalThis as unknown as ObservedPageGlobals).__doneCounts ?? [])].sort(
        (a, b) => a - b,
      ),
    )
  }

  async backfillStatus(): Promise<string> {
    return ((await this.page.textContent('[data-testid=backfill-status]')) ?? '').trim()
  }

  // The waits below run in the page. They are functions, not strings: the panel's CSP forbids eval.

  async waitForDoneDays(count: number, timeout = 120_000): Promise<void> {
    await this.page.waitForFunction(
      (minimum) =>
        (globalThis as unknown as PageGlobals).document.querySelectorAll('li.day[data-state=done]')
          .length >= minimum,
      count,
      { timeout },
    )
  }

  async waitForBackfillStatus(status: string, timeout = 120_000): Promise<void> {
    await this.page.waitForFunction(
      (expected) =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('[data-testid=backfill-status]')
          ?.textContent?.trim() === expected,
      status,
      { timeout },
    )
  }

  async waitForLatestRunState(state: string, timeout = 30_000): Promise<void> {
    await this.page.waitForFunction(
      (expected) =>
        (globalThis as unknown as PageGlobals).document
          .querySelector('[data-testid=runs-table] tbody tr')
          ?.getAttribute('data-run-state') === expected,
      state,
      { timeout },
    )
  }

  /** Computes a report and waits until the new one is on screen (not the previous preset's). */
  async openReport(date: string, preset = 'data-drift'): Promise<void> {
    await this.open('reports')
    await this.page.fill('[data-testid=report-date]', date)
    await this.page.selectOption('[data-testid=report-preset]', preset)
    await this.page.click('[data-testid=load-report]')
    await this.page.waitForSelector(`[data-testid=report][data-preset=${preset}]`, {
      timeout: 120_000,
    })
  }

  /** The rows of a table of the current view by its test id, as `data-column` ids. */
  async tableColumns(testId: string): Promise<string[]> {
    return this.page.$$eval(`[data-testid=${testId}] tbody tr`, (rows) =>
      rows.map((row) => row.getAttribute('data-column') ?? ''),
    )
  }

  /** Column → full-precision drift score from the report's table. */
  async driftScores(): Promise<Record<string, number>> {
    return this.page.$$eval('[data-testid=drift-table] tbody tr', (rows) =>
      Object.fromEntries(
        rows.map((row) => [
          row.getAttribute('data-column') ?? '',
          Number(row.querySelector('[data-field=score]')?.getAttribute('data-score')),
        ]),
      ),
    )
  }

  async runTestSuite(date: string, preset = 'data-drift'): Promise<void> {
    await this.open('suites')
    await this.page.fill('[data-testid=suite-date]', date)
    await this.page.selectOption('[data-testid=suite-preset]', preset)
    await this.page.click('[data-testid=run-suite]')
    await this.page.waitForSelector(`[data-testid=suite][data-preset=${preset}]`, {
      timeout: 120_000,
    })
  }

  /** Each test as `name: STATUS`, in the order shown. */
  async testResults(): Promise<string[]> {
    return this.page.$$eval('[data-testid=suite-tests] li', (items) =>
      items.map((item) => `${item.getAttribute('data-name')}: ${item.getAttribute('data-status')}`),
    )
  }

  /**
   * For every chart canvas on the page, how many pixels are drawn (not transparent and not white).
   * A chart that failed to render, or rendered empty axes only, has very few.
   */
  async chartInkPixels(): Promise<number[]> {
    return this.page.$$eval('[data-testid=chart] canvas', (canvases) =>
      canvases.map((element) => {
        const canvas = element as unknown as CanvasLike
        const context = canvas.getContext('2d')
        if (context === null) return 0
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
        let ink = 0
        for (let i = 0; i < data.length; i += 4) {
          const isBlank =
            (data[i + 3] ?? 0) === 0 ||
            ((data[i] ?? 0) > 245 && (data[i + 1] ?? 0) > 245 && (data[i + 2] ?? 0) > 245)
          if (!isBlank) ink += 1
        }
        return ink
      }),
    )
  }
}
