import { HeraldError, isHeraldError, toHeraldError } from './herald-error';

describe('HeraldError', () => {
  it('reads the code and detail of a problem document', () => {
    const error = HeraldError.fromHttp(400, JSON.stringify({ type: 'urn:herald:problem:invalid_topic', status: 400, code: 'invalid_topic', detail: 'bad name' }));
    expect(error).toMatchObject({ status: 400, code: 'invalid_topic', detail: 'bad name', name: 'HeraldError' });
    expect(error.retryable).toBe(false);
    expect(isHeraldError(error)).toBe(true);
  });

  it('falls back to http_error for bodies that are not Herald problems', () => {
    expect(HeraldError.fromHttp(502, '<html>bad gateway</html>')).toMatchObject({ status: 502, code: 'http_error' });
    expect(HeraldError.fromHttp(403, '{"code":"nope"}')).toMatchObject({ status: 403, code: 'http_error' });
  });

  it('classifies what is worth retrying', () => {
    expect(new HeraldError(0, 'network_error', 'x').retryable).toBe(true);
    expect(new HeraldError(0, 'timeout', 'x').retryable).toBe(true);
    expect(new HeraldError(0, 'connection_closed', 'x').retryable).toBe(true);
    expect(new HeraldError(503, 'http_error', 'x').retryable).toBe(true);
    expect(new HeraldError(429, 'http_error', 'x').retryable).toBe(true);
    expect(new HeraldError(0, 'shutting_down', 'x').retryable).toBe(true);
    expect(new HeraldError(404, 'not_found', 'x').retryable).toBe(false);
    expect(new HeraldError(0, 'protocol_error', 'x').retryable).toBe(false);
    expect(new HeraldError(400, 'invalid_cursor', 'x').retryable).toBe(false);
  });

  it('wraps foreign errors as network errors, keeping the cause', () => {
    const cause = new TypeError('fetch failed');
    const error = toHeraldError(cause, 'poll');
    expect(error).toMatchObject({ code: 'network_error', status: 0, detail: 'poll: fetch failed' });
    expect(error.cause).toBe(cause);
  });
});
