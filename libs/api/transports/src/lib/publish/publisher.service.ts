import { Injectable } from '@nestjs/common';
import { DEFAULT_EVENT_TYPE, ErrorCode, EVENT_TYPE_PATTERN, isValidTopic } from '@herald/contracts';
import { EventBus, StoredEvent } from '@herald/event-bus';
import type { Principal } from '@herald/security';
import { assertCanPublish } from '../auth/auth-errors';
import { ProblemException } from '../http/problem.exception';
import { RateLimiter } from '../limits/rate-limiter';
import { TransportMetrics } from '../metrics/transport-metrics';
import { TransportOptions } from '../transport-options';

/** Deepest nesting of arrays and objects accepted in `data` (serializing deeper structures risks the stack). */
export const MAX_DATA_DEPTH = 64;

/** Nesting depth of a parsed JSON value, walked iteratively; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, level]);
    }
  }
  return deepest;
}

/** The one way in for events, from HTTP or WS: validates, bounds and appends to the bus. */
@Injectable()
export class PublisherService {
  constructor(
    private readonly bus: EventBus,
    private readonly options: TransportOptions,
    private readonly rates: RateLimiter,
    private readonly metrics: TransportMetrics,
  ) {}

  /**
   * `principal`, when given, must hold a publish grant for the topic (403
   * otherwise); `callerKey` (the principal's id, or the address when anonymous)
   * is charged one publish of its rate budget (429 past it).
   */
  async publish(topic: unknown, type: unknown, data: unknown, principal?: Principal, callerKey?: string): Promise<StoredEvent> {
    if (callerKey !== undefined) this.rates.consume('publish', callerKey);
    if (typeof topic !== 'string' || !isValidTopic(topic)) {
      throw ProblemException.badRequest(ErrorCode.InvalidTopic, 'topic names match [A-Za-z0-9][A-Za-z0-9._:-]{0,127}');
    }
    if (principal) assertCanPublish(principal, topic);
    if (type !== undefined && (typeof type !== 'string' || !EVENT_TYPE_PATTERN.test(type))) {
      throw ProblemException.badRequest(ErrorCode.InvalidType, '"type" must be 1..64 characters without control characters');
    }
    if (data === undefined) {
      throw ProblemException.badRequest(ErrorCode.InvalidBody, '"data" is required (any JSON value, null included)');
    }
    const depth = nestingDepth(data, MAX_DATA_DEPTH);
    if (depth > MAX_DATA_DEPTH) {
      throw ProblemException.badRequest(ErrorCode.InvalidBody, `"data" nests deeper than ${MAX_DATA_DEPTH} levels`);
    }
    const size = Buffer.byteLength(JSON.stringify(data), 'utf8');
    if (size > this.options.maxPayloadBytes) {
      throw new ProblemException(
        413,
        ErrorCode.PayloadTooLarge,
        `"data" is ${size} bytes as JSON; the most allowed is ${this.options.maxPayloadBytes}`,
      );
    }
    const stored = await this.bus.publish(topic, { type: (type as string | undefined) ?? DEFAULT_EVENT_TYPE, data });
    this.metrics.published();
    return stored;
  }
}
