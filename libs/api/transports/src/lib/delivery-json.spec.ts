import { storedEvent } from '@herald/event-bus';
import { deliveryBytes, deliveryJson } from './delivery-json';

describe('delivery bodies', () => {
  const events = [
    storedEvent('t', 1, { type: 'a', data: { text: 'plain' } }, 1),
    storedEvent('t', 2, { type: 'b', data: { text: 'ünïcödé ✓ 😀', n: [1, 2] } }, 2),
    storedEvent('t', 3, { type: 'c', data: null }, 3),
  ];

  it.each([
    ['no events', [], false],
    ['one event', events.slice(0, 1), false],
    ['several, with multi-byte characters', events, false],
    ['a reset', events.slice(1), true],
  ] as const)('deliveryBytes is deliveryJson in UTF-8: %s', (_name, list, reset) => {
    const bytes = deliveryBytes(list, 'aDF8Y3Vyc29y', reset);
    expect(bytes.toString('utf8')).toBe(deliveryJson(list, 'aDF8Y3Vyc29y', reset));
    expect(bytes.length).toBe(Buffer.byteLength(deliveryJson(list, 'aDF8Y3Vyc29y', reset)));
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ cursor: 'aDF8Y3Vyc29y', events: list.map((e) => e.envelope) });
  });

  it('reuses each event’s encoding across answers', () => {
    const first = deliveryBytes(events, 'c1', false);
    const second = deliveryBytes(events.slice(1), 'c2', false);
    expect(second.toString('utf8')).toBe(deliveryJson(events.slice(1), 'c2', false));
    expect(first.toString('utf8')).toBe(deliveryJson(events, 'c1', false));
  });
});
