import { z } from 'zod';
import type { Delivery, Envelope } from './envelope';
import { ErrorCode } from './errors';
import type { AckFrame, ErrorFrame, HeartbeatFrame, PongFrame, SubscribedFrame, UnsubscribedFrame } from './ws-frames';
import { topicSchema } from './schemas';

/**
 * Schemas of what the server sends, mirroring the TypeScript types above
 * (compile-time checks below keep the two from drifting). They generate the
 * AsyncAPI document and let clients and tests validate frames.
 */
export const envelopeSchema = z
  .object({
    id: z.string().regex(/^[1-9][0-9]*$/).describe("the event's position in its topic's log"),
    topic: topicSchema,
    type: z.string().min(1).max(64),
    data: z.unknown().describe('any JSON value, as published'),
    ts: z.number().int().describe('epoch milliseconds at publish'),
  })
  .strict();

export const deliverySchema = z
  .object({
    events: z.array(envelopeSchema),
    cursor: z.string().min(1).describe('opaque; resume from it on any transport'),
    reset: z.boolean().optional().describe('the requested cursor could not be honoured; delivery restarted at the oldest retained event'),
  })
  .strict();

const ref = z.string().max(64).optional();
const errorCodes = Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]];

export const serverFrameSchemas = {
  subscribed: z.object({ event: z.literal('subscribed'), data: z.object({ topics: z.array(topicSchema), cursor: z.string(), ref, reset: z.boolean().optional() }).strict() }).strict(),
  unsubscribed: z.object({ event: z.literal('unsubscribed'), data: z.object({ topics: z.array(topicSchema), cursor: z.string(), ref }).strict() }).strict(),
  delivery: z.object({ event: z.literal('delivery'), data: deliverySchema }).strict(),
  ack: z.object({ event: z.literal('ack'), data: z.object({ ref, envelope: envelopeSchema }).strict() }).strict(),
  pong: z.object({ event: z.literal('pong'), data: z.object({ ref, ts: z.number() }).strict() }).strict(),
  heartbeat: z.object({ event: z.literal('heartbeat'), data: z.object({ ts: z.number() }).strict() }).strict(),
  error: z.object({ event: z.literal('error'), data: z.object({ code: z.enum(errorCodes), message: z.string(), ref }).strict() }).strict(),
} as const;

/** SSE named events besides the default `message` (whose data is an envelope). */
export const sseEventSchemas = {
  reset: z.object({ reset: z.literal(true), cursor: z.string() }).strict(),
  close: z.object({ code: z.enum(errorCodes), message: z.string() }).strict(),
} as const;

// Compile-time drift checks: each schema's inferred type and the hand-written one are mutually
// assignable (a member added, removed or retyped on one side fails to compile). Runtime checks of
// real frames against these strict schemas live in the API's AsyncAPI test.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function same<T extends true>(): T | undefined {
  return undefined;
}
same<Mutual<z.infer<typeof envelopeSchema>, Envelope>>();
same<Mutual<z.infer<typeof deliverySchema>, Delivery>>();
same<Mutual<z.infer<(typeof serverFrameSchemas)['subscribed']>, SubscribedFrame>>();
same<Mutual<z.infer<(typeof serverFrameSchemas)['unsubscribed']>, UnsubscribedFrame>>();
same<Mutual<z.infer<(typeof serverFrameSchemas)['ack']>, AckFrame>>();
same<Mutual<z.infer<(typeof serverFrameSchemas)['pong']>, PongFrame>>();
same<Mutual<z.infer<(typeof serverFrameSchemas)['heartbeat']>, HeartbeatFrame>>();
same<Mutual<z.infer<(typeof serverFrameSchemas)['error']>, ErrorFrame>>();
