import { redactUrl } from '../src/app/logging.module';
import { HeraldServer, startHerald } from './support/herald-server';

describe('HTTP hygiene: security headers, CORS allowlist, request ids', () => {
  let server: HeraldServer;
  beforeAll(async () => {
    server = await startHerald({ HERALD_CORS_ORIGINS: 'https://app.example.com' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends helmet security headers with a CSP that still lets the dashboard open WebSockets', async () => {
    const res = await fetch(`${server.url}/api/topics`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

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

  it('never logs a token carried in the URL', () => {
    expect(redactUrl('/api/sse?topics=a&access_token=eyJ.secret.sig&x=1')).toBe('/api/sse?topics=a&access_token=[redacted]&x=1');
    expect(redactUrl('/ws?api_key=k')).toBe('/ws?api_key=[redacted]');
  });
});
