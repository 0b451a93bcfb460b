import type { StackService } from '../../services/stack/stack-service'
import type { StackUrls } from '../../shared/domain/stack'

/**
 * The stack's last known URLs (Grafana, Adminer), refreshed by every stack call. The panel's CSP reads
 * them synchronously for each response, so they are cached rather than asked for each time.
 */
export class StackUrlCache {
  #urls: StackUrls | null = null

  constructor(private readonly stack: StackService) {}

  get urls(): StackUrls | null {
    return this.#urls
  }

  set urls(urls: StackUrls | null) {
    this.#urls = urls
  }

  /** Asks the stack again; keeps the last known URLs when it cannot answer. */
  async refresh(): Promise<StackUrls | null> {
    this.#urls = await this.stack.urls().catch(() => this.#urls)
    return this.#urls
  }

  /** The stack's localhost origins (Grafana, Adminer) the panel's CSP lets frames load from. */
  frameOrigins(): readonly string[] {
    if (this.#urls === null) return []
    return [...new Set([this.#urls.grafana, this.#urls.adminer].map((url) => new URL(url).origin))]
  }
}
