import { decodeCursor, encodeCursor } from './cursor';
import { InvalidCursorError } from './errors';

describe('cursor codec', () => {
  it('round-trips epoch and positions', () => {
    const cursor = encodeCursor('ep0ch', [
      ['a.b:c-d', 7],
      ['x', 0],
    ]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = decodeCursor(cursor);
    expect(decoded.epoch).toBe('ep0ch');
    expect([...decoded.positions]).toEqual([
      ['a.b:c-d', 7],
      ['x', 0],
    ]);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc def'],
    ['padding and slash', 'ab/+=='],
    ['another format', Buffer.from('v9|e|a|1').toString('base64url')],
    ['odd pairs', Buffer.from('h1|e|a').toString('base64url')],
    ['bad topic', Buffer.from('h1|e|-a|1').toString('base64url')],
    ['negative position', Buffer.from('h1|e|a|-1').toString('base64url')],
    ['fractional position', Buffer.from('h1|e|a|1.5').toString('base64url')],
    ['huge position', Buffer.from('h1|e|a|99999999999999999').toString('base64url')],
    ['duplicate topic', Buffer.from('h1|e|a|1|a|2').toString('base64url')],
    ['control char in epoch', Buffer.from('h1|e\n|a|1').toString('base64url')],
    ['too long', 'A'.repeat(70_000)],
  ])('rejects %s', (_label, value) => {
    expect(() => decodeCursor(value)).toThrow(InvalidCursorError);
  });
});
