import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { syntheticTaxiDataDir } from '../../../test/support/taxi-data'
import { loadConfig } from '../../config/app-config'
import { ExplainService } from '../../services/explain/explain-service'
import { REQUEST_GUARDS } from '../../shared/ipc-contract'
import type { EventSink } from '../event-sink'
import type { ControlPanel } from '../control-panel'
import { createControlPanel } from '../control-panel'

const sink: EventSink = { emit: () => undefined }

/** The explain channels wired for real: synthetic TLC files, the report thread, a temporary home. */
describe('explain handlers', () => {
  let home: string
  let panel: ControlPanel

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'driftdesk-explain-panel-'))
    panel = await createControlPanel({
      config: loadConfig({}, { homeDir: home, dataDir: await syntheticTaxiDataDir() }),
      env: {},
      sink,
      mode: 'browser',
      version: '9.9.9',
      workers: 1,
    })
  })

  afterAll(async () => {
    await panel?.close()
    rmSync(home, { recursive: true, force: true })
  })

  it("explains a day off the panel's thread, opens rows, and exports the page", async () => {
    const onPanelThread = vi.spyOn(ExplainService.prototype, 'explainCourseDay')
    onTestFinished(() => onPanelThread.mockRestore())
    const request = { date: '2022-02-02', referenceMonth: '2022-01', rows: [1] }
    const result = await panel.handlers['explain:get'](request)
    expect(result.document.shift?.method).toBe('linear')
    expect(result.document.segments?.column).toBe('lpep_pickup_datetime')
    expect(result.rows.map((r) => r.row)).toEqual([1])
    const html = await panel.handlers['explain:export-html'](request)
    expect(html.fileName).toBe('driftdesk-explain-2022-02-02.html')
    expect(html.html).toContain('Why the prediction moved')
    expect(onPanelThread).not.toHaveBeenCalled()
  })

  it('turns a request the data cannot answer into a request error', async () => {
    await expect(
      panel.handlers['explain:get']({
        date: '2022-02-02',
        referenceMonth: '2022-01',
        rows: [99999],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('guards the request: unknown fields, bad rows and segment modes are refused', () => {
    const guard = REQUEST_GUARDS['explain:get']
    expect(guard({ date: '2022-02-02', referenceMonth: '2022-01', segmentBy: 'hour' })).toEqual({
      date: '2022-02-02',
      referenceMonth: '2022-01',
      segmentBy: 'hour',
    })
    expect(() => guard({ date: '2022-02-02', referenceMonth: '2022-01', rows: [-1] })).toThrow(
      /row indexes/,
    )
    expect(() =>
      guard({ date: '2022-02-02', referenceMonth: '2022-01', segmentBy: 'minute' }),
    ).toThrow()
    expect(() => guard({ date: '2022-02-02', referenceMonth: '2022-01', extra: 1 })).toThrow(
      /Unknown request field/,
    )
  })
})
