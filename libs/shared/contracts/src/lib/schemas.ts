import { z } from 'zod';
import { EVENT_TYPE_PATTERN, TOPIC_PATTERN } from './topic';

/** Validation schemas for every client input, shared by the server and the SDK. */
export const topicSchema = z.string().regex(TOPIC_PATTERN, 'topic names match [A-Za-z0-9][A-Za-z0-9._:-]{0,127}');

export const eventTypeSchema = z
  .string()
  .regex(EVENT_TYPE_PATTERN, 'event types are 1..64 characters without control characters');

const refSchema = z.string().max(64).optional();

export const publishRequestSchema = z
  .object({
    type: eventTypeSchema.optional(),
    data: z.unknown(),
  })
  .strict()
  .refine((body) => body.data !== undefined, { message: '"data" is required', path: ['data'] });

export const subscribeFrameDataSchema = z
  .object({
    topics: z.array(topicSchema).min(1),
    since: z.string().max(65_536).optional(),
    ref: refSchema,
  })
  .strict();

export const unsubscribeFrameDataSchema = z
  .object({
    topics: z.array(topicSchema).min(1),
    ref: refSchema,
  })
  .strict();

export const publishFrameDataSchema = z
  .object({
    topic: topicSchema,
    type: eventTypeSchema.optional(),
    data: z.unknown(),
    ref: refSchema,
  })
  .strict()
  .refine((frame) => frame.data !== undefined, { message: '"data" is required', path: ['data'] });

export const pingFrameDataSchema = z.object({ ref: refSchema }).strict().optional();
