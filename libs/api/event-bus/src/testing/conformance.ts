import { firstValueFrom, Subscription } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { encodeCursor } from '../lib/cursor';
import { EventBus, StoredEvent } from '../lib/event-bus';
import { Batch, LogReader } from '../lib/log-reader';

export interface ConformanceHarness {
  /** A fresh, empty bus with the given retention. */
  create(options: { retention: number }): Promise<EventBus>;
  /** Releases a bus made by `create`. */
  dispose(bus: EventBus): Promise<void>;
}

let topicSeq = 0;
/** Unique topic names, so implementations backed by a shared store don't see each other's tests. */
function topic(label: string): string {
  topicSeq++;
  return `conf.${label}.${process.pid}.${Date.now().toString(36)}.${topicSeq}`;
}

async function publishMany(bus: EventBus, name: string, count: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (let i = 0; i < count; i++) out.push(await bus.publish(name, { type: 'n', data: { i } }));
  return out;
}

function collect(reader: LogReader, topics: string[], since: string | undefined, until: (events: StoredEvent[]) => boolean) {
  const events: StoredEvent[] = [];
  const batches: Batch[] = [];
  let sub: Subscription | undefined;
  const done = new Promise<void>((resolve, reject) => {
    sub = reader.follow(topics, reader.parseSince(since)).subscribe({
      next: (batch) => {
        batches.push({ ...batch, positions: new Map(batch.positions) });
        events.push(...batch.events);
        if (until(events)) resolve();
      },
      error: reject,
    });
  });
  return { events, batches, done, stop: () => sub?.unsubscribe() };
}

/**
 * The promises of the `EventBus` port, run against any implementation. Every
 * implementation's spec calls this with its own harness; none may skip a case.
 */
export function describeEventBusConformance(name: string, harness: ConformanceHarness): void {
  describe(`EventBus conformance: ${name}`, () => {
    let bus: EventBus;
    let reader: LogReader;
    const retention = 50;

    beforeEach(async () => {
      bus = await harness.create({ retention });
      reader = new LogReader(bus);
    });

    afterEach(async () => {
      await harness.dispose(bus);
    });

    it('numbers events 1, 2, 3… per topic and stores the envelope serialized once', async () => {
      const a = topic('seq');
      const b = topic('seq');
      const [e1, e2] = await publishMany(bus, a, 2);
      const [f1] = await publishMany(bus, b, 1);
      expect([e1.position, e2.position, f1.position]).toEqual([1, 2, 1]);
      expect(e2.envelope).toEqual({ id: '2', topic: a, type: 'n', data: { i: 1 }, ts: expect.any(Number) });
      expect(JSON.parse(e2.json)).toEqual(e2.envelope);
      expect(Math.abs(e2.envelope.ts - Date.now())).toBeLessThan(60_000);
    });

    it('reads a contiguous run after a position, bounded by limit', async () => {
      const a = topic('read');
      await publishMany(bus, a, 10);
      const { events, range } = await bus.read(a, 3, 4);
      expect(events.map((e) => e.position)).toEqual([4, 5, 6, 7]);
      expect(range).toEqual({ topic: a, first: 1, latest: 10 });
      expect((await bus.read(a, 10, 5)).events).toEqual([]);
    });

    it('reports an empty range for a topic never published to, without listing it', async () => {
      const a = topic('empty');
      expect(await bus.ranges([a])).toEqual([{ topic: a, first: 1, latest: 0 }]);
      expect((await bus.read(a, 0, 10)).events).toEqual([]);
      expect((await bus.listTopics()).map((r) => r.topic)).not.toContain(a);
    });

    it('keeps at most `retention` events per topic, dropping the oldest', async () => {
      const a = topic('retention');
      await publishMany(bus, a, retention + 7);
      const [range] = await bus.ranges([a]);
      expect(range.latest).toBe(retention + 7);
      // Implementations may trim approximately, but never keep fewer than retention nor more than 2x.
      const retained = range.latest - range.first + 1;
      expect(retained).toBeGreaterThanOrEqual(retention);
      expect(retained).toBeLessThanOrEqual(retention * 2);
      const { events } = await bus.read(a, 0, 1000);
      expect(events[0].position).toBe(range.first);
      expect(events.length).toBe(retained);
      expect((await bus.listTopics()).find((r) => r.topic === a)).toEqual(range);
    });

    it('delivers live events for the subscribed topics only, in order, and releases the subscription', async () => {
      const a = topic('live');
      const b = topic('live');
      const received = firstValueFrom(bus.live([a]).pipe(filter((e) => e.position >= 1), take(3), toArray()));
      await new Promise((r) => setTimeout(r, 50));
      await publishMany(bus, b, 2);
      await publishMany(bus, a, 3);
      const events = await received;
      expect(events.map((e) => [e.topic, e.position])).toEqual([
        [a, 1],
        [a, 2],
        [a, 3],
      ]);
      expect(bus.liveSubscriptionCount()).toBe(0);
    });

    it('keeps a stable epoch usable in cursors', () => {
      expect(bus.epoch).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(bus.epoch).toBe(bus.epoch);
    });

    describe('through LogReader (what every transport relies on)', () => {
      it('starts "now" at the head and "earliest" at the oldest retained event', async () => {
        const a = topic('start');
        await publishMany(bus, a, 3);
        expect((await reader.start([a], reader.parseSince(undefined))).positions.get(a)).toBe(3);
        expect((await reader.start([a], reader.parseSince('earliest'))).positions.get(a)).toBe(0);
      });

      it('says at the start whether the log already holds events after it', async () => {
        const a = topic('behind');
        const empty = topic('behind');
        expect((await reader.start([a], reader.parseSince('earliest'))).behind).toBe(false);
        await publishMany(bus, a, 3);
        expect((await reader.start([a], reader.parseSince(undefined))).behind).toBe(false);
        expect((await reader.start([a], reader.parseSince('earliest'))).behind).toBe(true);
        expect((await reader.start([a], reader.parseSince(reader.encode([[a, 3]])))).behind).toBe(false);
        expect((await reader.start([a, empty], reader.parseSince(reader.encode([[a, 2]])))).behind).toBe(true);
        expect((await reader.start([empty], reader.parseSince('earliest'))).behind).toBe(false);
      });

      it('replays from a cursor, then follows live, with every event exactly once in order', async () => {
        const a = topic('follow');
        const b = topic('follow');
        await publishMany(bus, a, 5);
        await publishMany(bus, b, 5);
        const cursor = reader.encode([
          [a, 2],
          [b, 0],
        ]);
        const total = 3 + 5 + 40;
        const sub = collect(reader, [a, b], cursor, (events) => events.length >= total);
        // Publish concurrently with the replay: the seam between history and live must hold.
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 20; i++) {
          writes.push(bus.publish(a, { type: 'n', data: { live: i } }));
          writes.push(bus.publish(b, { type: 'n', data: { live: i } }));
        }
        await Promise.all(writes);
        await sub.done;
        await new Promise((r) => setTimeout(r, 50));
        sub.stop();
        const positionsOf = (t: string) => sub.events.filter((e) => e.topic === t).map((e) => e.position);
        expect(positionsOf(a)).toEqual(Array.from({ length: 23 }, (_, i) => i + 3));
        expect(positionsOf(b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        expect(sub.batches.some((batch) => batch.reset)).toBe(false);
        expect(bus.liveSubscriptionCount()).toBe(0);
      });

      it('resets to the oldest retained event for a cursor older than retention', async () => {
        const a = topic('old');
        await publishMany(bus, a, retention * 3);
        const [range] = await bus.ranges([a]);
        const sub = collect(reader, [a], reader.encode([[a, 1]]), (events) => events.length >= range.latest - range.first + 1);
        await sub.done;
        sub.stop();
        expect(sub.batches[0].reset).toBe(true);
        expect(sub.events[0].position).toBe(range.first);
        expect(sub.events.at(-1)?.position).toBe(range.latest);
      });

      it('resets on a cursor of another epoch and on one ahead of the log', async () => {
        const a = topic('epoch');
        await publishMany(bus, a, 4);
        const foreign = encodeCursor(bus.epoch === 'other' ? 'other2' : 'other', [[a, 2]]);
        const fromForeign = await reader.readAfter([a], (await reader.start([a], reader.parseSince(foreign))).positions, 100);
        expect((await reader.start([a], reader.parseSince(foreign))).reset).toBe(true);
        expect(fromForeign.events.map((e) => e.position)).toEqual([1, 2, 3, 4]);
        const ahead = await reader.start([a], reader.parseSince(reader.encode([[a, 99]])));
        expect(ahead.reset).toBe(true);
        expect(ahead.positions.get(a)).toBe(0);
      });

      it('reads across topics in publish order with a bounded limit and a resumable cursor', async () => {
        const a = topic('limit');
        const b = topic('limit');
        for (let i = 0; i < 6; i++) {
          await bus.publish(a, { type: 'n', data: i });
          await bus.publish(b, { type: 'n', data: i });
        }
        const start = await reader.start([a, b], reader.parseSince('earliest'));
        const first = await reader.readAfter([a, b], start.positions, 5);
        expect(first.events).toHaveLength(5);
        const second = await reader.readAfter([a, b], first.positions, 100);
        const all = [...first.events, ...second.events];
        expect(all.filter((e) => e.topic === a).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(all.filter((e) => e.topic === b).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
      });
    });
  });
}
