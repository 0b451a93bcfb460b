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
type PageGlobals = { readonly document: PageDocument }

/** The views of the panel's sidebar, by their `data-view` id. */
export type PanelView =
  'setup' | 'model' | 'backfill' | 'reports' | 'suites' | 'runs' | 'grafana' | 'adminer'

/**
 * Page object of the control panel: what a person does (open a view, start a backfill, pick a day) and
 * what they read (timeline states, drift scores, test statuses), so the test reads as the user's story
 * and selectors live in one place.
 */
export class PanelPage {
  constructor(readonly page: Page) {}

  async open(view: PanelView): Promise<void> {
    await this.page.click(`nav [data-view=${view}]`)
    await this.page.waitForSelector(`nav [data-view=${view}][aria-current=page]`)
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

  async openReport(date: string, preset = 'data-drift'): Promise<void> {
    await this.open('reports')
    await this.page.fill('[data-testid=report-date]', date)
    await this.page.selectOption('[data-testid=report-preset]', preset)
    await this.page.click('[data-testid=load-report]')
    await this.page.waitForSelector('[data-testid=report]', { timeout: 120_000 })
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
    await this.page.waitForSelector('[data-testid=suite-tests]', { timeout: 120_000 })
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
