import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverFrameSchemas, sseEventSchemas, envelopeSchema } from '@herald/contracts';
import { buildAsyncApi } from './asyncapi';
import { SseClient, WsClient } from '../../test/support/clients';
import { eventually, startHerald } from '../../test/support/herald-server';

const DOC = join(__dirname, '../../../../docs/asyncapi.json');

describe('AsyncAPI document', () => {
  it('docs/asyncapi.json is what the contracts generate (regenerate: npm run docs:asyncapi)', () => {
    const generated = JSON.stringify(buildAsyncApi(), null, 2) + '\n';
    if (process.env['UPDATE_ASYNCAPI'] === '1') writeFileSync(DOC, generated);
    expect(readFileSync(DOC, 'utf8')).toBe(generated);
  });

  it('every frame and SSE event a real server sends matches its schema', async () => {
    const server = await startHerald({ HERALD_HEARTBEAT_MS: '30' });
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics: ['doc'], since: 'earliest', ref: 's' });
    await ws.next('subscribed');
    ws.send('publish', { topic: 'doc', type: 't', data: { n: 1 }, ref: 'p' });
    ws.send('ping', { ref: 'q' });
    ws.send('nope');
    await eventually(() => ['ack', 'delivery', 'pong', 'heartbeat', 'error'].every((e) => ws.frames.some((f) => f.event === e)), 'every kind of frame');
    ws.send('unsubscribe', { topics: ['doc'] });
    await ws.next('unsubscribed');
    for (const frame of ws.frames) {
      const result = serverFrameSchemas[frame.event].safeParse(frame);
      expect([frame.event, result.success ? 'ok' : result.error.message]).toEqual([frame.event, 'ok']);
    }
    expect(new Set(ws.frames.map((f) => f.event))).toEqual(new Set(Object.keys(serverFrameSchemas)));

    const sse = new SseClient(`${server.url}/api/sse?topics=doc&since=earliest`);
    await eventually(() => sse.envelopes().length === 1, 'SSE envelope');
    expect(envelopeSchema.safeParse(JSON.parse(sse.messages[0].data)).success).toBe(true);
    sse.close();
    expect(sseEventSchemas.reset.safeParse({ reset: true, cursor: 'x' }).success).toBe(true);
    await ws.close();
    await server.close();
  });
});
