import type { InvokeChannel, RequestOf, ResponseOf, Result } from '../shared/ipc-contract'
import { REQUEST_GUARDS, isInvokeChannel } from '../shared/ipc-contract'
import { AppError, serializeError } from '../shared/errors'

/** An implementation of every channel of the contract. */
export type InvokeHandlers = {
  readonly [C in InvokeChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>>
}

/**
 * The transport-agnostic half of a request: checks the channel name and the request against the
 * contract's guard, calls the handler and wraps the outcome in the result envelope. Never throws.
 */
export async function dispatchRequest(
  handlers: InvokeHandlers,
  channel: unknown,
  request: unknown,
): Promise<Result<unknown>> {
  try {
    if (!isInvokeChannel(channel)) {
      throw new AppError('INVALID_REQUEST', `Unknown channel '${String(channel).slice(0, 60)}'.`)
    }
    return { ok: true, value: await invokeChecked(handlers, channel, request) }
  } catch (error) {
    return { ok: false, error: serializeError(error) }
  }
}

async function invokeChecked<C extends InvokeChannel>(
  handlers: InvokeHandlers,
  channel: C,
  request: unknown,
): Promise<ResponseOf<C>> {
  const guard = REQUEST_GUARDS[channel] as (request: unknown) => RequestOf<C>
  const handler = handlers[channel] as (request: RequestOf<C>) => Promise<ResponseOf<C>>
  return handler(guard(request))
}
