import type {
  EventName,
  InvokeChannel,
  PanelApi,
  PayloadOf,
  RequestOf,
  ResponseOf,
} from '../../src-main/shared/ipc-contract'

type Responder<C extends InvokeChannel> = (
  request: RequestOf<C>,
) => ResponseOf<C> | Promise<ResponseOf<C>>

/**
 * The renderer's bridge for store and component tests: answers each channel from a responder the test
 * sets, records every call, and lets the test push events as main would. A channel without a responder
 * rejects, so a test never passes on an answer it did not define.
 */
export class FakePanelBridge implements PanelApi {
  readonly calls: { channel: InvokeChannel; request: unknown }[] = []
  readonly #responders = new Map<InvokeChannel, Responder<never>>()
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>()

  respond<C extends InvokeChannel>(channel: C, responder: Responder<C>): this {
    this.#responders.set(channel, responder as unknown as Responder<never>)
    return this
  }

  async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    this.calls.push({ channel, request })
    const responder = this.#responders.get(channel) as Responder<C> | undefined
    if (responder === undefined) throw new Error(`FakePanelBridge: no responder for ${channel}`)
    return responder(request)
  }

  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void {
    let set = this.#listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(event, set)
    }
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      ;(listener as (payload: PayloadOf<E>) => void)(payload)
    }
  }

  callsOf(channel: InvokeChannel): unknown[] {
    return this.calls.filter((call) => call.channel === channel).map((call) => call.request)
  }
}
