import { createServer, request, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PendingHeaders } from './pending-headers';

describe('PendingHeaders', () => {
  it('sets, reads and removes headers by case-insensitive name, keeping the last spelling (as Node does)', () => {
    const headers = new PendingHeaders();
    headers.setHeader('Vary', 'Origin').setHeader('X-Request-Id', 'a');
    headers.setHeader('x-request-id', 'b');
    expect(headers.getHeader('VARY')).toBe('Origin');
    expect(headers.hasHeader('x-request-id')).toBe(true);
    expect(headers.with({})).toEqual({ Vary: 'Origin', 'x-request-id': 'b' });
    headers.removeHeader('vary');
    expect(headers.hasHeader('Vary')).toBe(false);
  });

  it('lets the answer’s own headers win, whatever their case', () => {
    const headers = new PendingHeaders();
    headers.setHeader('cache-control', 'no-cache').setHeader('X-Frame-Options', 'DENY');
    expect(headers.with({ 'Cache-Control': 'no-store', 'Content-Type': 'text/event-stream' })).toEqual({
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
      'Content-Type': 'text/event-stream',
    });
  });

  it('written with writeHead, leaves nothing stored on the response but sends every header', async () => {
    let stored: string[] = ['not checked'];
    const server = createServer((_req, res: ServerResponse) => {
      const headers = new PendingHeaders().setHeader('X-Request-Id', 'r1').setHeader('Vary', 'Origin');
      res.writeHead(200, headers.with({ 'Content-Type': 'text/plain' }));
      stored = res.getHeaderNames();
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      request({ host: '127.0.0.1', port }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      })
        .on('error', reject)
        .end();
    });
    await new Promise((resolve) => server.close(resolve));
    expect(stored).toEqual([]);
    expect(answer).toMatchObject({ 'x-request-id': 'r1', vary: 'Origin', 'content-type': 'text/plain' });
  });
});
