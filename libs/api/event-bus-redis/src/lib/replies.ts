/** Narrowing of raw Redis replies; a reply of an unexpected shape is an error, never coerced. */

export class UnexpectedReplyError extends Error {
  override readonly name = 'UnexpectedReplyError';
}

export function asArray(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw new UnexpectedReplyError(`expected an array for ${what}`);
  return reply;
}

export function asString(reply: unknown, what: string): string {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  throw new UnexpectedReplyError(`expected a string for ${what}`);
}

export function asInteger(reply: unknown, what: string): number {
  const value = typeof reply === 'string' ? Number(reply) : reply;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new UnexpectedReplyError(`expected an integer for ${what}`);
  }
  return value;
}
