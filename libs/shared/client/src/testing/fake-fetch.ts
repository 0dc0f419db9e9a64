import type { FetchLike } from '../lib/transport-options';

/** One request made through FakeFetch; the test answers it. */
export class FakeRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  aborted = false;
  settled = false;
  readonly promise: Promise<Response>;
  private resolve!: (response: Response) => void;
  private reject!: (error: unknown) => void;

  constructor(url: string, init: RequestInit | undefined) {
    this.url = new URL(url);
    this.method = init?.method ?? 'GET';
    this.headers = Object.fromEntries(Object.entries((init?.headers as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.body = typeof init?.body === 'string' ? init.body : undefined;
    this.promise = new Promise<Response>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const signal = init?.signal ?? undefined;
    const onAbort = (): void => {
      this.aborted = true;
      this.fail(new DOMException('This operation was aborted', 'AbortError'));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  }

  get path(): string {
    return this.url.pathname;
  }

  query(name: string): string | null {
    return this.url.searchParams.get(name);
  }

  respond(status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (this.settled) return;
    this.settled = true;
    const text = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
    const contentType = headers['content-type'] ?? (status >= 400 ? 'application/problem+json' : 'application/json');
    this.resolve(new Response(status === 304 ? null : text, { status, headers: { 'content-type': contentType, ...headers } }));
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

/** A fetch whose requests wait until the test answers them. */
export class FakeFetch {
  readonly requests: FakeRequest[] = [];

  readonly fetch: FetchLike = (input, init) => {
    const request = new FakeRequest(input, init);
    this.requests.push(request);
    return request.promise;
  };

  /** Unanswered requests, oldest first. */
  open(): FakeRequest[] {
    return this.requests.filter((request) => !request.settled);
  }

  /** The oldest unanswered request (throws when there is none). */
  next(): FakeRequest {
    const request = this.open()[0];
    if (!request) throw new Error(`no open request (made: ${this.requests.map((r) => r.url.pathname + r.url.search).join(', ')})`);
    return request;
  }
}

export function problem(status: number, code: string, detail = code): unknown {
  return { type: `urn:herald:problem:${code}`, title: 'Error', status, detail, code };
}
