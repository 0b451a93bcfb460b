/**
 * JSON text the way the answer keys and Evidently's `json()` write it: strict JSON with non-finite floats as
 * the strings "NaN", "Infinity", "-Infinity" (JSON has no literal for them; `JSON.stringify` would write null).
 * @example toEvidentlyJson({ drift_score: NaN }) // '{"drift_score":"NaN"}'
 */
export function toEvidentlyJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, item: unknown) => nonFiniteAsString(item), indent)
}

function nonFiniteAsString(item: unknown): unknown {
  if (typeof item === 'number' && !Number.isFinite(item)) {
    return Number.isNaN(item) ? 'NaN' : item > 0 ? 'Infinity' : '-Infinity'
  }
  if (ArrayBuffer.isView(item) && !(item instanceof DataView)) {
    return Array.from(item as unknown as ArrayLike<number>)
  }
  return item
}
