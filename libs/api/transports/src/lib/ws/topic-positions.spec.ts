import { TopicPositions } from './topic-positions';

describe('TopicPositions (Map semantics, one topic without a Map)', () => {
  it('holds one topic like a Map', () => {
    const positions = new TopicPositions();
    expect(positions.size).toBe(0);
    expect([...positions]).toEqual([]);
    positions.set('a', 3);
    positions.set('a', 4);
    expect(positions.size).toBe(1);
    expect(positions.has('a')).toBe(true);
    expect(positions.has('b')).toBe(false);
    expect(positions.get('a')).toBe(4);
    expect(positions.get('b')).toBeUndefined();
    expect(positions.keys()).toEqual(['a']);
    expect([...positions]).toEqual([['a', 4]]);
    positions.delete('b');
    expect(positions.size).toBe(1);
    positions.delete('a');
    expect(positions.size).toBe(0);
    expect(positions.keys()).toEqual([]);
  });

  it('keeps insertion order and in-place updates across the switch to a Map', () => {
    const positions = new TopicPositions();
    const reference = new Map<string, number>();
    const steps: Array<['set', string, number] | ['delete', string]> = [
      ['set', 'a', 1],
      ['set', 'b', 2],
      ['set', 'a', 5],
      ['set', 'c', 0],
      ['delete', 'b'],
      ['set', 'b', 9],
      ['delete', 'a'],
      ['delete', 'c'],
      ['delete', 'b'],
      ['set', 'd', 7],
    ];
    for (const step of steps) {
      if (step[0] === 'set') {
        positions.set(step[1], step[2]);
        reference.set(step[1], step[2]);
      } else {
        positions.delete(step[1]);
        reference.delete(step[1]);
      }
      expect([...positions]).toEqual([...reference]);
      expect(positions.keys()).toEqual([...reference.keys()]);
      expect(positions.size).toBe(reference.size);
      for (const topic of ['a', 'b', 'c', 'd']) {
        expect(positions.has(topic)).toBe(reference.has(topic));
        expect(positions.get(topic)).toBe(reference.get(topic));
      }
    }
  });
});
