import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { FakePanelBridge } from '../../../test/fakes/fake-panel-bridge'
import type { ExplainResult } from '../../../src-main/shared/domain/explain'
import { AppError } from '../../../src-main/shared/errors'
import { installBridge } from '../api/bridge'
import { useExplainStore } from './explain'

describe('explain store', () => {
  let bridge: FakePanelBridge

  beforeEach(() => {
    bridge = new FakePanelBridge()
    installBridge(bridge)
    setActivePinia(createPinia())
  })

  it('loads a day, then opens rows one after another, keeping those already open', async () => {
    bridge.respond('explain:get', (request) => ({
      document: {} as ExplainResult['document'],
      rows: (request.rows ?? []).map((row) => ({ row, prediction: 1, contributions: [] })),
    }))
    const store = useExplainStore()
    await store.load('2022-02-02', '2022-01')
    expect(store.loadedDate).toBe('2022-02-02')
    await store.openRow(7, '2022-01')
    await store.openRow(3, '2022-01')
    expect(bridge.callsOf('explain:get')).toEqual([
      { date: '2022-02-02', referenceMonth: '2022-01' },
      { date: '2022-02-02', referenceMonth: '2022-01', rows: [7] },
      { date: '2022-02-02', referenceMonth: '2022-01', rows: [7, 3] },
    ])
    expect(store.result?.rows.map((r) => r.row)).toEqual([7, 3])
    store.clear()
    expect(store.result).toBeNull()
  })

  it('keeps a failure as its error and shows no stale result', async () => {
    bridge.respond('explain:get', () => {
      throw new AppError('INVALID_REQUEST', 'No trips were picked up on 2022-02-30.')
    })
    const store = useExplainStore()
    await store.load('2022-02-30', '2022-01')
    expect(store.result).toBeNull()
    expect(store.error).toMatchObject({ code: 'INVALID_REQUEST' })
  })
})
