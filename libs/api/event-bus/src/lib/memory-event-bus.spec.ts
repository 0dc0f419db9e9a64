import { describeEventBusConformance } from '../testing';
import { LogReader } from './log-reader';
import { MemoryEventBus } from './memory-event-bus';
import { TopicLimitError } from './errors';

describeEventBusConformance('MemoryEventBus', {
  create: async ({ retention }) => new MemoryEventBus({ retention }),
  dispose: async () => undefined,
});

describe('MemoryEventBus specifics', () => {
  it('gives each instance its own epoch, so a restarted server resets old cursors', async () => {
    const before = new MemoryEventBus();
    await before.publish('t', { type: 'x', data: 1 });
    const cursor = new LogReader(before).encode([['t', 1]]);
    const after = new MemoryEventBus();
    expect(after.epoch).not.toBe(before.epoch);
    await after.publish('t', { type: 'x', data: 2 });
    const reader = new LogReader(after);
    const start = await reader.start(['t'], reader.parseSince(cursor));
    expect(start.reset).toBe(true);
    expect(start.positions.get('t')).toBe(0);
  });

  it('refuses a new topic past maxTopics but keeps serving existing ones', async () => {
    const bus = new MemoryEventBus({ maxTopics: 2 });
    await bus.publish('a', { type: 'x', data: 1 });
    await bus.publish('b', { type: 'x', data: 1 });
    await expect(bus.publish('c', { type: 'x', data: 1 })).rejects.toBeInstanceOf(TopicLimitError);
    await expect(bus.publish('a', { type: 'x', data: 2 })).resolves.toMatchObject({ position: 2 });
  });

  it('takes timestamps from the injected clock', async () => {
    const bus = new MemoryEventBus({ now: () => 1234 });
    expect((await bus.publish('a', { type: 'x', data: 1 })).envelope.ts).toBe(1234);
  });

  it('does not count idle subscriptions towards maxTopics', async () => {
    const bus = new MemoryEventBus({ maxTopics: 1 });
    const idle = bus.live(['ghost1', 'ghost2']).subscribe();
    await expect(bus.publish('real', { type: 'x', data: 1 })).resolves.toMatchObject({ position: 1 });
    await expect(bus.publish('ghost1', { type: 'x', data: 1 })).rejects.toBeInstanceOf(TopicLimitError);
    idle.unsubscribe();
    expect(await bus.listTopics()).toEqual([{ topic: 'real', first: 1, latest: 1 }]);
  });
});
