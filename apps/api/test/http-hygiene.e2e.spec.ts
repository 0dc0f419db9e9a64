import WebSocket from 'ws';
import { redactUrl } from '../src/app/logging.module';
import { HeraldServer, startHerald } from './support/herald-server';

describe('the dashboard at /', () => {
  it('serves a placeholder that says how to build it when no build exists, without shadowing /api', async () => {
    const server = await startHerald({ HERALD_DASHBOARD_DIR: '/nonexistent/herald-dashboard' });
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('npm start');
    const api = await fetch(`${server.url}/api/nope`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    await server.close();
  });
});

describe('HTTP hygiene: security headers, CORS allowlist, request ids', () => {
  let server: HeraldServer;
  beforeAll(async () => {
    server = await startHerald({ HERALD_CORS_ORIGINS: 'https://app.example.com' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends pages a CSP that still lets the dashboard open WebSockets', async () => {
    const res = await fetch(`${server.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it.each(['/api/topics', '/api/poll?topics=a', '/api/docs/openapi.json', '/metrics', '/health/live'])(
    'sends the API answer %s the OWASP REST header set, not a page policy',
    async (path) => {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('cross-origin-opener-policy')).toBeNull();
    },
  );

  it('allows a listed origin and exposes ETag to it', async () => {
    const res = await fetch(`${server.url}/api/poll?topics=a`, { headers: { Origin: 'https://app.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
  });

  it('answers a preflight from a listed origin and gives an unlisted origin no CORS grant', async () => {
    const preflight = await fetch(`${server.url}/api/topics/a/events`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(`${server.url}/api/topics`, { headers: { Origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await fetch(`${server.url}/api/topics`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${server.url}/api/topics`, { headers: { 'X-Request-Id': 'bad id\twith tab' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts WebSocket upgrades from its own or a listed origin (or no origin), refuses other browser origins with 403', async () => {
    const port = new URL(server.url).port;
    const attempt = (origin?: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(server.wsUrl, origin ? { origin } : {});
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          socket.terminate();
        });
        socket.once('error', () => undefined);
      });
    expect(await attempt()).toBe(101);
    expect(await attempt(`http://127.0.0.1:${port}`)).toBe(101);
    expect(await attempt('https://app.example.com')).toBe(101);
    expect(await attempt('https://evil.example.net')).toBe(403);
  });

  it('never logs a token carried in the URL', () => {
    expect(redactUrl('/api/sse?topics=a&access_token=eyJ.secret.sig&x=1')).toBe('/api/sse?topics=a&access_token=[redacted]&x=1');
    expect(redactUrl('/ws?api_key=k')).toBe('/ws?api_key=[redacted]');
  });
});
