import { parseTopicInput } from './topic-input';

describe('parseTopicInput', () => {
  it('splits on commas and spaces, drops repeats, keeps order', () => {
    expect(parseTopicInput(' orders, audit.log  orders,chat:room-1 ')).toEqual({ ok: true, topics: ['orders', 'audit.log', 'chat:room-1'] });
  });

  it('rejects empty input and bad names with a reason', () => {
    expect(parseTopicInput(' , ')).toEqual({ ok: false, message: expect.stringMatching(/at least one topic/) });
    const bad = parseTopicInput('ok, -nope, a/b');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^"-nope", "a\/b" are not valid topic names/);
  });

  it('limits the number of topics', () => {
    const many = Array.from({ length: 33 }, (_, i) => `t${i}`).join(',');
    expect(parseTopicInput(many)).toEqual({ ok: false, message: 'At most 32 topics per subscription (got 33).' });
  });
});
