import type { InvokeChannel, RequestOf, ResponseOf } from '../../shared/ipc-contract'

/** The channels of one domain: `data` → `data:status`, `data:download`, … */
export type ChannelsOf<Domain extends string> = Extract<InvokeChannel, `${Domain}:${string}`>

/**
 * The handlers for one slice of the contract. Each domain module returns exactly its slice; the root
 * spreads the slices into one `InvokeHandlers`, so the compiler flags a channel nobody handles.
 */
export type ChannelHandlers<C extends InvokeChannel> = {
  readonly [K in C]: (request: RequestOf<K>) => Promise<ResponseOf<K>>
}
