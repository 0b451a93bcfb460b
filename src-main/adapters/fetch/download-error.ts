/**
 * Why a download failed, as data the service turns into a sentence with its own context (which month,
 * which cache folder):
 * - `unreachable`: no connection at all (offline, DNS failure, connection refused, connect timeout);
 * - `http-status`: the server answered with an error status that retrying will not change (403, 404, …);
 * - `unexpected-content`: the body is not what was asked for (an HTML page served with 200);
 * - `interrupted`: the connection kept breaking or the body kept arriving short, after every retry;
 * - `invalid`: the whole body arrived but the file fails validation;
 * - `cancelled`: the caller's AbortSignal fired.
 */
export type DownloadFailureKind =
  'unreachable' | 'http-status' | 'unexpected-content' | 'interrupted' | 'invalid' | 'cancelled'

export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadFailureKind,
    readonly url: string,
    /** What went wrong, in words that fit after "because" (e.g. `connection refused (ECONNREFUSED)`). */
    readonly detail: string,
    readonly extra: {
      status?: number
      systemCode?: string
      attempts?: number
      cause?: unknown
    } = {},
  ) {
    super(`Download of ${url} failed: ${detail}`, { cause: extra.cause })
    this.name = 'DownloadError'
  }
}
