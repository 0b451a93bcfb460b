import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import DayTimeline from './DayTimeline.vue'

describe('DayTimeline', () => {
  it('shows one labelled cell per day in its state, with retries marked', () => {
    const wrapper = mount(DayTimeline, {
      props: {
        cells: [
          { date: '2022-02-01', state: 'done', attempt: 1 },
          { date: '2022-02-02', state: 'retrying', attempt: 2, message: 'connection lost' },
          { date: '2022-02-03', state: 'pending', attempt: 0 },
        ],
      },
    })
    const cells = wrapper.findAll('li.day')
    expect(cells.map((cell) => cell.attributes('data-state'))).toEqual([
      'done',
      'retrying',
      'pending',
    ])
    expect(cells.map((cell) => cell.text())).toEqual(['01', '02×2', '03'])
    expect(cells[1]?.attributes('title')).toBe('2022-02-02: retrying (attempt 2) — connection lost')
    expect(cells[0]?.attributes('aria-label')).toBe('2022-02-01 done')
  })
})
