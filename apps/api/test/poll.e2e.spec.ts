import { getDelivery } from './support/clients';
import { HeraldServer, startHerald } from './support/herald-server';

describe('short poll', () => {
  let server: HeraldServer;
  beforeEach(async () => {
    server = await startHerald();
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers 304 to If-None-Match while nothing is new, and 200 with the events once something is', async () => {
    const first = await getDelivery(server.url, '/api/poll?topics=p');
    const etag = first.headers.get('etag') as string;
    expect(etag).toBe(`"${first.delivery.cursor}"`);
    const unchanged = await fetch(`${server.url}/api/poll?topics=p&since=${first.delivery.cursor}`, { headers: { 'If-None-Match': etag } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    await server.bus.publish('p', { type: 'n', data: 'new' });
    const changed = await fetch(`${server.url}/api/poll?topics=p&since=${first.delivery.cursor}`, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    const body = (await changed.json()) as { events: { data: unknown }[]; cursor: string };
    expect(body.events.map((e) => e.data)).toEqual(['new']);
    expect(changed.headers.get('etag')).toBe(`"${body.cursor}"`);
    expect(changed.headers.get('cache-control')).toBe('no-cache');
  });

  it('never answers 304 when events are waiting, even to If-None-Match: *', async () => {
    const first = await getDelivery(server.url, '/api/poll?topics=star');
    await server.bus.publish('star', { type: 'n', data: 1 });
    const res = await fetch(`${server.url}/api/poll?topics=star&since=${first.delivery.cursor}`, { headers: { 'If-None-Match': '*' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { events: unknown[] }).events).toHaveLength(1);
  });

  it('starts from now without since, from the oldest retained with since=earliest, and bounds each answer by limit', async () => {
    for (let i = 1; i <= 5; i++) await server.bus.publish('p', { type: 'n', data: i });
    expect((await getDelivery(server.url, '/api/poll?topics=p')).delivery.events).toEqual([]);
    const page = await getDelivery(server.url, '/api/poll?topics=p&since=earliest&limit=3');
    expect(page.delivery.events.map((e) => e.data)).toEqual([1, 2, 3]);
    const rest = await getDelivery(server.url, `/api/poll?topics=p&since=${page.delivery.cursor}&limit=3`);
    expect(rest.delivery.events.map((e) => e.data)).toEqual([4, 5]);
  });

  it('accepts repeated topics= parameters as well as a comma-separated list', async () => {
    await server.bus.publish('a', { type: 'n', data: 'a' });
    await server.bus.publish('b', { type: 'n', data: 'b' });
    const res = await getDelivery(server.url, '/api/poll?topics=a&topics=b&since=earliest');
    expect(res.delivery.events.map((e) => e.data)).toEqual(['a', 'b']);
  });
});
