import { HeraldError } from '../herald-error';
import { parseDelivery } from './parse-delivery';
import { parseServerFrame } from './parse-server-frame';

const envelope = { id: '3', topic: 'news', type: 'headline', data: { a: 1 }, ts: 1_700_000_000_000 };

function rejection(text: unknown): HeraldError {
  try {
    parseServerFrame(text);
  } catch (error) {
    expect(error).toBeInstanceOf(HeraldError);
    return error as HeraldError;
  }
  throw new Error(`accepted ${String(text)}`);
}

describe('parseServerFrame', () => {
  it('accepts every frame Herald sends', () => {
    const frames = [
      { event: 'subscribed', data: { topics: ['news'], cursor: 'c1', ref: 's1' } },
      { event: 'subscribed', data: { topics: ['news'], cursor: 'c1', ref: 's1', reset: true } },
      { event: 'unsubscribed', data: { topics: [], cursor: 'c1' } },
      { event: 'delivery', data: { events: [envelope], cursor: 'c2' } },
      { event: 'delivery', data: { events: [], cursor: 'c3', reset: true } },
      { event: 'ack', data: { ref: 'p1', envelope } },
      { event: 'pong', data: { ref: 'x', ts: 5 } },
      { event: 'heartbeat', data: { ts: 6 } },
      { event: 'error', data: { code: 'invalid_cursor', message: 'bad', ref: 's1' } },
    ];
    for (const frame of frames) expect(parseServerFrame(JSON.stringify(frame))).toEqual(frame);
  });

  it('drops members it does not know (delivery without reset stays without it)', () => {
    const parsed = parseServerFrame(JSON.stringify({ event: 'delivery', data: { events: [], cursor: 'c', reset: false, extra: 1 } }));
    expect(parsed).toEqual({ event: 'delivery', data: { events: [], cursor: 'c' } });
  });

  it.each([
    ['malformed JSON', '{"event": "delivery", ', /not valid JSON/],
    ['a binary frame', new Uint8Array([1, 2]), /not text/],
    ['a JSON array', '[1,2]', /not an object \{event/],
    ['a frame without event', '{"data": {}}', /not an object \{event/],
    ['an unknown event', '{"event": "surprise", "data": {}}', /unknown WebSocket frame event "surprise"/],
    ['data that is not an object', '{"event": "heartbeat", "data": 3}', /heartbeat.data is not an object/],
    ['a delivery without cursor', '{"event": "delivery", "data": {"events": []}}', /cursor/],
    ['a delivery with a bad envelope', '{"event": "delivery", "data": {"events": [{"id": 1}], "cursor": "c"}}', /events\[0\].id/],
    ['an envelope without data', JSON.stringify({ event: 'ack', data: { envelope: { id: '1', topic: 't', type: 'm', ts: 1 } } }), /data is missing/],
    ['an error with an unknown code', '{"event": "error", "data": {"code": "oops", "message": "m"}}', /not a Herald error code/],
    ['a subscribed frame with bad topics', '{"event": "subscribed", "data": {"topics": [1], "cursor": "c"}}', /topics/],
    ['a non-string ref', '{"event": "pong", "data": {"ref": 5, "ts": 1}}', /ref/],
  ])('rejects %s with a protocol_error', (_name, text, message) => {
    const error = rejection(text);
    expect(error.code).toBe('protocol_error');
    expect(error.status).toBe(0);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(message);
  });
});

describe('parseDelivery', () => {
  it('keeps reset only when true', () => {
    expect(parseDelivery({ events: [envelope], cursor: 'c', reset: true })).toEqual({ events: [envelope], cursor: 'c', reset: true });
    expect(parseDelivery({ events: [], cursor: 'c', reset: false })).toEqual({ events: [], cursor: 'c' });
    expect(() => parseDelivery({ events: [], cursor: '' })).toThrow(/cursor/);
    expect(() => parseDelivery({ events: [], cursor: 'c', reset: 'yes' })).toThrow(/reset/);
  });
});
