import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src-main/config/app-config'
import { renderReportHtml } from '../../src-main/services/reports/render-report-html'
import { ReportService } from '../../src-main/services/reports/report-service'
import { CHROMIUM_PATH, chromiumCapability, hasCapability } from '../support/capabilities'
import { taxiDataDir } from '../support/taxi-data'

/**
 * The HTML page in real Chromium: it loads with no network, draws every chart (non-blank canvases), logs no
 * console error, colours tests by status; a screenshot per page is saved under test-results/.
 * Skips with a printed reason when Debian's Chromium is not installed; fails instead when .ci/run
 * installed it (DRIFTDESK_EXPECT_CHROMIUM=1).
 */
const chromiumPath = CHROMIUM_PATH
const hasChromium = hasCapability(chromiumCapability)

const screenshotDir = resolve(__dirname, '../../test-results')

describe.skipIf(!hasChromium)('report HTML in Chromium', () => {
  let browser: Browser
  let home: string
  let service: ReportService
  let date: string
  beforeAll(async () => {
    const data = await taxiDataDir()
    home = mkdtempSync(join(tmpdir(), 'driftdesk-html-'))
    service = new ReportService(loadConfig({}, { homeDir: home, dataDir: data.dir }))
    date = '2022-02-02'
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    mkdirSync(screenshotDir, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(home, { recursive: true, force: true })
  })

  async function open(
    html: string,
    name: string,
  ): Promise<{ blankCharts: number; charts: number; badges: string[] }> {
    const file = join(home, `${name}.html`)
    writeFileSync(file, html)
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors: string[] = []
    const requests: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:'))
        requests.push(request.url())
    })
    await page.goto(`file://${file}`)
    // Browser-side code is passed as strings: this Node project has no DOM types.
    await page.waitForFunction('window.__driftdeskChartsReady !== undefined')
    const result = (await page.evaluate(`(() => {
      const canvases = [...document.querySelectorAll('.chart canvas')]
      let blank = 0
      for (const canvas of canvases) {
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
        let painted = 0
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++
        if (painted < 50) blank++
      }
      return {
        charts: canvases.length,
        blankCharts: blank,
        badges: [...document.querySelectorAll('.test .badge')].map((b) => b.className + '|' + getComputedStyle(b).backgroundColor),
      }
    })()`)) as { charts: number; blankCharts: number; badges: string[] }
    await page.screenshot({ path: join(screenshotDir, `report-html-${name}.png`), fullPage: true })
    await page.close()
    expect(errors).toEqual([])
    expect(requests).toEqual([])
    return result
  }

  it('draws every drift column of a DataDriftPreset report', async () => {
    const report = await service.report('data-drift', date)
    const html = await renderReportHtml({ report })
    expect(html).not.toMatch(/<script[^>]+src=/)
    const result = await open(html, 'data-drift')
    const columns = Object.keys(report.metrics[1]?.result.drift_by_columns as object).length
    expect(result.charts).toBe(columns)
    expect(result.blankCharts).toBe(0)
  })

  it('colours a test suite by status', async () => {
    const suite = await service.testSuite('data-stability', date)
    const result = await open(await renderReportHtml({ suite }), 'data-stability-suite')
    expect(result.badges).toHaveLength(suite.tests.length)
    const colours = new Map<string, string>()
    for (const badge of result.badges) {
      const [className = '', colour = ''] = badge.split('|')
      colours.set(className, colour)
    }
    // SUCCESS and FAIL (both occur on this day) are drawn in different colours.
    expect(colours.get('badge SUCCESS')).toBeDefined()
    expect(colours.get('badge FAIL')).toBeDefined()
    expect(colours.get('badge SUCCESS')).not.toBe(colours.get('badge FAIL'))
  })

  it('draws data-quality and regression reports', async () => {
    const quality = await service.report('data-quality', date, {
      quantiles: [{ column: 'fare_amount', quantile: 0.5 }],
    })
    const qualityResult = await open(await renderReportHtml({ report: quality }), 'data-quality')
    expect(qualityResult.charts).toBeGreaterThan(5)
    expect(qualityResult.blankCharts).toBe(0)
    const course = await service.report('course', date)
    const courseResult = await open(await renderReportHtml({ report: course }), 'course')
    expect(courseResult.charts).toBe(1)
    expect(courseResult.blankCharts).toBe(0)
    const regression = await service.report('regression', date, {
      segmentBy: ['lpep_pickup_datetime'],
    })
    const regressionResult = await open(
      await renderReportHtml({ report: regression }),
      'regression',
    )
    expect(regressionResult.charts).toBe(2)
    expect(regressionResult.blankCharts).toBe(0)
  })
})
