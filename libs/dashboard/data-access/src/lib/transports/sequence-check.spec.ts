import { SequenceCheck } from './sequence-check';

describe('SequenceCheck', () => {
  it('accepts consecutive positions per topic, topics independently', () => {
    const check = new SequenceCheck();
    expect(['5', '6', '7'].map((id) => check.observe('a', id))).toEqual(['first', 'next', 'next']);
    expect(check.observe('b', '1')).toBe('first');
    expect(check.observe('a', '8')).toBe('next');
    expect(check.integrity).toEqual({ gaps: 0, duplicates: 0 });
  });

  it('counts gaps and repeats', () => {
    const check = new SequenceCheck();
    check.observe('a', '1');
    expect(check.observe('a', '3')).toBe('gap');
    expect(check.observe('a', '3')).toBe('duplicate');
    expect(check.observe('a', '2')).toBe('duplicate');
    expect(check.integrity).toEqual({ gaps: 1, duplicates: 2 });
  });

  it('forgets positions on reset and ignores ids that are not positions', () => {
    const check = new SequenceCheck();
    check.observe('a', '9');
    check.forget();
    expect(check.observe('a', '1')).toBe('first');
    expect(check.observe('a', 'x-1')).toBe('unknown');
    expect(check.integrity).toEqual({ gaps: 0, duplicates: 0 });
  });
});
