import { z } from 'zod';
import {
  deliverySchema,
  envelopeSchema,
  pingFrameDataSchema,
  publishFrameDataSchema,
  serverFrameSchemas,
  sseEventSchemas,
  subscribeFrameDataSchema,
  unsubscribeFrameDataSchema,
} from '@herald/contracts';

type JsonSchema = Record<string, unknown>;

function schema(type: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, { unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function clientFrame(event: string, data: z.ZodType): JsonSchema {
  return {
    type: 'object',
    required: ['event'],
    additionalProperties: false,
    properties: { event: { const: event }, data: schema(data) },
  };
}

function message(name: string, summary: string, payload: JsonSchema) {
  return { name, title: name, summary, contentType: 'application/json', payload };
}

/**
 * The AsyncAPI 3.0 description of Herald's streaming channels (WebSocket and
 * SSE), generated from the same zod schemas the server validates with, so it
 * cannot drift from the contracts (a test compares it with docs/asyncapi.json).
 */
export function buildAsyncApi(): JsonSchema {
  const wsClient = {
    subscribe: message('subscribe', 'Subscribe topics from a cursor (or now / earliest); answered by subscribed, then delivery frames', clientFrame('subscribe', subscribeFrameDataSchema)),
    unsubscribe: message('unsubscribe', 'Stop topics; answered by unsubscribed', clientFrame('unsubscribe', unsubscribeFrameDataSchema)),
    publish: message('publish', 'Publish an event; answered by ack (or error) with the same ref', clientFrame('publish', publishFrameDataSchema)),
    ping: message('ping', 'Application-level ping; answered by pong', clientFrame('ping', pingFrameDataSchema.unwrap())),
  };
  const wsServer = Object.fromEntries(
    Object.entries(serverFrameSchemas).map(([name, frame]) => [`server.${name}`, message(name, `Server frame: ${name}`, schema(frame))]),
  );
  const sse = {
    envelope: message('message', 'Default SSE event: data is one envelope; id is the cursor after it', schema(envelopeSchema)),
    reset: message('reset', 'Named SSE event preceding replayed events after a reset', schema(sseEventSchemas.reset)),
    close: message('close', 'Named SSE event ending the stream (e.g. token_expired); reconnect with fresh credentials from the last id', schema(sseEventSchemas.close)),
  };
  const ref = (channel: string, names: string[]) => names.map((name) => ({ $ref: `#/channels/${channel}/messages/${name}` }));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Herald streaming API',
      version: '1',
      description:
        'WebSocket and Server-Sent Events channels of Herald. HTTP endpoints (publish, poll, long poll) are in the OpenAPI document at /api/docs. ' +
        'docs/protocol.md is the prose reference: cursors, reset, limits, errors.',
    },
    defaultContentType: 'application/json',
    channels: {
      ws: {
        address: '/ws',
        title: 'WebSocket',
        description: 'JSON text frames {"event", "data"}. One cursor per socket covers every subscribed topic.',
        messages: { ...wsClient, ...wsServer },
        bindings: { ws: { bindingVersion: '0.1.0', query: { type: 'object', properties: { access_token: { type: 'string' } } } } },
      },
      sse: {
        address: '/api/sse?topics={topics}',
        title: 'Server-Sent Events',
        parameters: { topics: { description: 'Comma-separated topic names' } },
        description: 'text/event-stream; resume with Last-Event-ID (or since=). Heartbeat comments keep proxies open.',
        messages: sse,
      },
    },
    operations: {
      sendWs: { action: 'receive', channel: { $ref: '#/channels/ws' }, summary: 'Frames the server accepts', messages: ref('ws', Object.keys(wsClient)) },
      receiveWs: { action: 'send', channel: { $ref: '#/channels/ws' }, summary: 'Frames the server sends', messages: ref('ws', Object.keys(wsServer)) },
      streamSse: { action: 'send', channel: { $ref: '#/channels/sse' }, summary: 'Events the server streams', messages: ref('sse', Object.keys(sse)) },
    },
    components: { schemas: { Envelope: schema(envelopeSchema), Delivery: schema(deliverySchema) } },
  };
}
