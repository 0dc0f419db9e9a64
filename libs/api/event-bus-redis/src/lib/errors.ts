/**
 * The Redis store was recreated (restarted without persistence, flushed, or its
 * epoch key removed): positions may be reused, so the bus adopted a new epoch
 * and ended every live subscription with this error. Subscribers resume with
 * their cursor, which the new epoch reports as `reset`.
 */
export class StoreRecreatedError extends Error {
  override readonly name = 'StoreRecreatedError';
}

/** The bus was closed; it neither publishes nor reads any more. */
export class EventBusClosedError extends Error {
  override readonly name = 'EventBusClosedError';
}
