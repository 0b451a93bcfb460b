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

describe('ErrorNotice worded for the panel', () => {
  it('drops the CLI flag from a service message and points at the panel (regression: "pass an earlier --reference-month" inside the panel)', () => {
    const wrapper = mount(ErrorNotice, {
      props: {
        error: new AppError(
          'INVALID_REQUEST',
          'The reference month 2022-02 must come before 2022-02, the month of 2022-02-02: pass an earlier --reference-month.',
        ),
      },
    })
    expect(wrapper.text()).toContain(
      'The reference month 2022-02 must come before 2022-02, the month of 2022-02-02.',
    )
    expect(wrapper.text()).not.toContain('--')
    expect(wrapper.text()).toContain('reference month')
  })

  it('never calls an input mistake a bug (regression: INVALID_REQUEST said "report a bug")', () => {
    const wrapper = mount(ErrorNotice, {
      props: { error: new AppError('INVALID_REQUEST', "Request field 'days' must be 1 to 31.") },
    })
    expect(wrapper.text()).not.toMatch(/bug/i)
  })

  it('does not send a person on the Setup page to the Setup page (regression)', () => {
    const wrapper = mount(ErrorNotice, {
      props: {
        place: 'setup',
        error: new AppError(
          'DATA_FILE_MISSING',
          'green_tripdata_2022-02.parquet is not in the download cache /c: run `npm run driftdesk -- fetch --months 2022-02` to download it.',
        ),
      },
    })
    expect(wrapper.text()).not.toContain('Setup page')
    expect(wrapper.text()).not.toContain('npm run driftdesk')
    expect(wrapper.text()).toContain('Download missing files')
  })
})
