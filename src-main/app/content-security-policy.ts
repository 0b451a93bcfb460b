/**
 * The panel's Content-Security-Policy, the same in Electron and in browser mode. Scripts and styles come
 * only from the panel itself; frames only from the stack's own localhost origins (Grafana, Adminer);
 * nothing may frame the panel. `style-src 'unsafe-inline'` is needed because ECharts and Vue's style
 * bindings set inline `style` attributes; no inline script is ever allowed.
 */
export function buildContentSecurityPolicy(options: {
  readonly frameOrigins: readonly string[]
  readonly connectSources: readonly string[]
}): string {
  const frameSources = options.frameOrigins.filter(isLocalOrigin)
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${options.connectSources.join(' ')}`.trim(),
    `frame-src ${frameSources.length === 0 ? "'none'" : frameSources.join(' ')}`,
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ')
}

/** Only http origins on this machine may be framed: the stack publishes its ports on 127.0.0.1. */
export function isLocalOrigin(origin: string): boolean {
  try {
    const url = new URL(origin)
    return (
      url.protocol === 'http:' &&
      (url.hostname === '127.0.0.1' || url.hostname === 'localhost') &&
      url.origin === origin
    )
  } catch {
    // Not a URL at all: not an origin we allow.
    return false
  }
}
