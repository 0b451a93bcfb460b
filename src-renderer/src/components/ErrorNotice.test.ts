import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/shared/errors'
import ErrorNotice from './ErrorNotice.vue'

describe('ErrorNotice', () => {
  it("shows the message with its code's help text", () => {
    const wrapper = mount(ErrorNotice, {
      props: {
        error: new AppError('DATA_FILE_MISSING', 'green_tripdata_2022-02.parquet is not in /data.'),
      },
    })
    expect(wrapper.attributes('role')).toBe('alert')
    expect(wrapper.attributes('data-error-code')).toBe('DATA_FILE_MISSING')
    expect(wrapper.text()).toContain('Trip file missing')
    expect(wrapper.text()).toContain('green_tripdata_2022-02.parquet is not in /data.')
    expect(wrapper.text()).toContain('Download the month on the Setup page')
  })

  it("explains a failed job's serialised error by its code", () => {
    const wrapper = mount(ErrorNotice, {
      props: {
        error: { code: 'IMAGE_NOT_FOUND', message: 'grafana/grafana-oss:11.4.0 is not here.' },
      },
    })
    expect(wrapper.attributes('data-error-code')).toBe('IMAGE_NOT_FOUND')
    expect(wrapper.text()).toContain('Image not available')
    expect(wrapper.text()).toContain('grafana/grafana-oss:11.4.0 is not here.')
  })

  it('explains an unexpected error as INTERNAL', () => {
    const wrapper = mount(ErrorNotice, { props: { error: new TypeError('x is undefined') } })
    expect(wrapper.attributes('data-error-code')).toBe('INTERNAL')
    expect(wrapper.text()).toContain('Something went wrong')
  })
})
