import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ExplainResult } from '../../../../src-main/shared/domain/explain'
import ExplainSections from './ExplainSections.vue'

function result(opened: ExplainResult['rows'] = []): ExplainResult {
  return {
    document: {
      project: 'nyc-taxi',
      window: '2022-02-02',
      referenceRows: 25211,
      currentRows: 2536,
      shift: {
        method: 'linear',
        isEstimate: false,
        referenceMeanPrediction: 12.61,
        currentMeanPrediction: 13.84,
        observedShift: 1.232,
        explainedShift: 1.232,
        surrogateR2: null,
        contributions: [
          {
            feature: 'fare_amount',
            coefficient: 0.41,
            referenceMean: 12.6,
            currentMean: 14.6,
            contribution: 0.82,
            referenceNullShare: 0,
            currentNullShare: 0,
          },
          {
            feature: 'PULocationID',
            coefficient: -0.005,
            referenceMean: 96,
            currentMean: 101,
            contribution: -0.023,
            referenceNullShare: 0,
            currentNullShare: 0,
          },
        ],
      },
      outliers: [
        {
          column: 'fare_amount',
          q1: 7,
          q3: 15,
          lowerFence: -5,
          upperFence: 27,
          referenceMin: 0,
          referenceMax: 400,
          values: 2536,
          outsideFences: 265,
          outsideFencesShare: 0.1045,
          outsideRange: 0,
          outsideRangeShare: 0,
          referenceOutsideFencesShare: 0.0641,
        },
      ],
      outlierTests: [{ column: 'fare_amount', status: 'SUCCESS', description: '' }],
      extremeRows: [
        {
          row: 2507,
          column: 'trip_distance',
          score: 13900,
          values: { trip_distance: 28867.9, prediction: 22.43 },
        },
      ],
      segments: {
        column: 'lpep_pickup_datetime',
        by: 'hour',
        minRows: 30,
        worst: { segment: '22', metric: 'mae', value: 47.82 },
        segments: [
          {
            segment: '21',
            rows: 83,
            referenceRows: 797,
            meanPrediction: 12.69,
            referenceMeanPrediction: 12.23,
            predictionDrift: 0.28,
            labelledRows: 83,
            mae: 3.48,
            rmse: 4.8,
          },
          {
            segment: '22',
            rows: 63,
            referenceRows: 712,
            meanPrediction: 11.91,
            referenceMeanPrediction: 12.15,
            predictionDrift: 0.09,
            labelledRows: 63,
            mae: 47.82,
            rmse: 247.4,
          },
        ],
      },
      fairness: null,
    },
    rows: opened,
  }
}

describe('ExplainSections', () => {
  it('draws the contributions as a ranked bar chart, the outlier rows and the segment table', () => {
    const wrapper = mount(ExplainSections, { props: { result: result() } })
    const chart = wrapper.find('[data-testid="chart"]')
    expect(chart.attributes('data-series')).toBe('contribution')
    expect(chart.attributes('data-points')).toBe('2')
    expect(wrapper.find('[data-testid="explain-method"]').text()).toContain('exact')
    expect(wrapper.findAll('[data-testid="outlier-row"]')).toHaveLength(1)
    expect(wrapper.find('[data-testid="outlier-shares"]').text()).toContain('10.45 %')
    const segments = wrapper.findAll('[data-testid="segment-row"]')
    expect(segments.map((row) => row.classes('worst'))).toEqual([false, true])
    expect(wrapper.find('[data-testid="worst-segment"]').text()).toBe('22')
  })

  it('asks to open a row, and shows an opened row’s contributions', async () => {
    const wrapper = mount(ExplainSections, { props: { result: result() } })
    await wrapper.find('[data-testid="open-row"]').trigger('click')
    expect(wrapper.emitted('open-row')).toEqual([[2507]])
    await wrapper.setProps({
      result: result([
        {
          row: 2507,
          prediction: 22.43,
          contributions: [{ feature: 'fare_amount', value: 29.15, contribution: 6.8 }],
        },
      ]),
    })
    expect(wrapper.find('[data-testid="row-contributions"]').text()).toContain('fare_amount +6.8')
    expect(wrapper.find('[data-testid="open-row"]').exists()).toBe(false)
  })
})
