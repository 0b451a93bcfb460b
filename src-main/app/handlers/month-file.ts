/**
 * A month's trip file from the data folder or the cache, downloaded into the cache when missing there.
 * `dataDir` overrides the panel's folder (a resumed run keeps the folder it was started with).
 */
export type MonthFileLocator = (
  month: string,
  signal?: AbortSignal,
  dataDir?: string | null,
) => Promise<string>
