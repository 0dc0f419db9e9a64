import { formatBytes, formatCount, formatMs } from './format';

describe('formatting', () => {
  it('formats durations', () => {
    expect([undefined, 0, 12.4, 999, 1_250, 12_345].map(formatMs)).toEqual(['—', '0 ms', '12 ms', '999 ms', '1.25 s', '12.3 s']);
  });
  it('formats bytes and counts', () => {
    expect([undefined, 532, 12_400, 3_100_000].map(formatBytes)).toEqual(['—', '532 B', '12.4 kB', '3.10 MB']);
    expect(formatCount(12345)).toBe('12,345');
  });
});
