import { describe, expect, it } from 'vitest'
import { expandGrafanaPostgresMacros } from '../support/grafana-postgres-macros'

const range = { from: new Date('2022-02-01T00:00:00Z'), to: new Date('2022-03-01T00:00:00Z') }

describe('expandGrafanaPostgresMacros', () => {
  it('expands $__timeFilter to BETWEEN with RFC 3339 UTC instants, as Grafana does', () => {
    expect(
      expandGrafanaPostgresMacros(
        'SELECT 1 FROM t WHERE $__timeFilter("timestamp") ORDER BY 1',
        range,
      ).sql,
    ).toBe(
      `SELECT 1 FROM t WHERE "timestamp" BETWEEN '2022-02-01T00:00:00Z' AND '2022-03-01T00:00:00Z' ORDER BY 1`,
    )
  })

  it('keeps fractional seconds without trailing zeros (Go RFC3339Nano)', () => {
    const sql = expandGrafanaPostgresMacros('$__timeFrom() $__timeTo()', {
      from: new Date('2022-02-01T10:20:30.500Z'),
      to: new Date('2022-02-01T10:20:30.123Z'),
    }).sql
    expect(sql).toBe(`'2022-02-01T10:20:30.5Z' '2022-02-01T10:20:30.123Z'`)
  })

  it('expands $__time and $__timeEpoch', () => {
    expect(expandGrafanaPostgresMacros('SELECT $__time(ts), $__timeEpoch(ts)', range).sql).toBe(
      'SELECT ts AS "time", extract(epoch from ts) as "time"',
    )
  })

  it('expands $__timeGroup with the interval in seconds and the alias form', () => {
    expect(
      expandGrafanaPostgresMacros(
        "SELECT $__timeGroupAlias(ts, '1d') GROUP BY $__timeGroup(ts, '5m')",
        range,
      ).sql,
    ).toBe(
      'SELECT floor(extract(epoch from ts)/86400)*86400 AS "time" GROUP BY floor(extract(epoch from ts)/300)*300',
    )
  })

  it('adds the alias to $__timeGroup directly followed by a comma (pre-5.3 compatibility)', () => {
    expect(
      expandGrafanaPostgresMacros("SELECT $__timeGroup(ts,'1h'), avg(v) FROM t", range).sql,
    ).toBe('SELECT floor(extract(epoch from ts)/3600)*3600 AS "time", avg(v) FROM t')
  })

  it('prints long intervals the way Go formats floats', () => {
    expect(expandGrafanaPostgresMacros("$__timeGroup(ts,'30d')", range).sql).toBe(
      'floor(extract(epoch from ts)/2.592e+06)*2.592e+06',
    )
    expect(expandGrafanaPostgresMacros("$__timeGroup(ts,'1w')", range).sql).toBe(
      'floor(extract(epoch from ts)/604800)*604800',
    )
  })

  it('reports the fill mode of $__timeGroup', () => {
    expect(expandGrafanaPostgresMacros("$__timeGroup(ts,'1d', previous)", range).fill).toEqual({
      mode: 'previous',
      intervalSeconds: 86400,
    })
    expect(expandGrafanaPostgresMacros("$__timeGroup(ts,'1d', 0)", range).fill).toEqual({
      mode: 'value',
      value: 0,
      intervalSeconds: 86400,
    })
  })

  it('expands the unix-epoch macros in seconds and nanoseconds', () => {
    const sql = expandGrafanaPostgresMacros(
      "$__unixEpochFilter(t) | $__unixEpochFrom() $__unixEpochTo() | $__unixEpochNanoFrom() | $__unixEpochGroupAlias(t,'1h')",
      range,
    ).sql
    expect(sql).toBe(
      't >= 1643673600 AND t <= 1646092800 | 1643673600 1646092800 | 1643673600000000000 | floor((t)/3600)*3600 AS "time"',
    )
  })

  it('replaces $__interval and $__interval_ms', () => {
    expect(
      expandGrafanaPostgresMacros('$__interval_ms $__interval', { ...range, intervalMs: 300_000 })
        .sql,
    ).toBe('300000 5m')
  })

  it("rejects unknown macros and missing arguments with Grafana's messages", () => {
    expect(() => expandGrafanaPostgresMacros('$__nope(x)', range)).toThrow('unknown macro "__nope"')
    expect(() => expandGrafanaPostgresMacros('$__timeGroup(ts)', range)).toThrow(
      /needs time column and interval/,
    )
    expect(() => expandGrafanaPostgresMacros("$__timeGroup(ts, 'soon')", range)).toThrow(
      "error parsing interval 'soon'",
    )
  })

  it('rejects an invalid range', () => {
    expect(() =>
      expandGrafanaPostgresMacros('SELECT 1', { from: new Date('x'), to: range.to }),
    ).toThrow(RangeError)
  })
})
