import { getDelivery, SseClient, WsClient } from './support/clients';
import { eventually, startHerald } from './support/herald-server';

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

describe('Prometheus /metrics', () => {
  it('reports connections, subscriptions, published and delivered events, latency, rejections and process figures', async () => {
    const server = await startHerald();
    const ws = await WsClient.connect(server.wsUrl);
    ws.send('subscribe', { topics: ['m'] });
    await ws.next('subscribed');
    const sse = new SseClient(`${server.url}/api/sse?topics=m`);
    await sse.opened;
    const { delivery } = await getDelivery(server.url, '/api/poll?topics=m');
    for (let i = 0; i < 3; i++) {
      await fetch(`${server.url}/api/topics/m/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"data":${i}}` });
    }
    await getDelivery(server.url, `/api/poll?topics=m&since=${delivery.cursor}`);
    await fetch(`${server.url}/api/poll?topics=-bad`);
    await eventually(() => ws.deliveries().length === 3 && sse.envelopes().length === 3, 'deliveries');

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(value(text, 'herald_connections{transport="ws"}')).toBe(1);
    expect(value(text, 'herald_connections{transport="sse"}')).toBe(1);
    expect(value(text, 'herald_subscriptions{transport="ws"}')).toBe(1);
    expect(value(text, 'herald_events_published_total')).toBe(3);
    expect(value(text, 'herald_events_delivered_total{transport="poll"}')).toBe(3);
    expect(value(text, 'herald_events_delivered_total{transport="ws"}')).toBe(3);
    expect(value(text, 'herald_events_delivered_total{transport="sse"}')).toBe(3);
    expect(value(text, 'herald_delivery_latency_seconds_count{transport="ws"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'herald_rejected_total{code="invalid_topic"}')).toBe(1);
    expect(value(text, 'herald_bus_live_subscriptions')).toBe(2);
    expect(value(text, 'herald_bus_lag_seconds')).toBe(0); // the in-memory bus fans out synchronously
    expect(text).toContain('herald_process_resident_memory_bytes');

    sse.close();
    await ws.close();
    await eventually(async () => value(await (await fetch(`${server.url}/metrics`)).text(), 'herald_connections{transport="ws"}') === 0, 'ws connection gone');
    await server.close();
  });
});
