/** Elapsed time between two ISO instants, as a person reads it: 850 ms, 4.2 s, 3 min 05 s. */
export function formatDuration(
  startedAt: string | null,
  endedAt: string | null,
  now = Date.now(),
): string {
  if (startedAt === null) return '—'
  const milliseconds = (endedAt === null ? now : Date.parse(endedAt)) - Date.parse(startedAt)
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '—'
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`
  const minutes = Math.floor(milliseconds / 60_000)
  const seconds = Math.round((milliseconds % 60_000) / 1000)
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}
