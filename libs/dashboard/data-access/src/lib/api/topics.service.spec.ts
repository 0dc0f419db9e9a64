import { TestBed } from '@angular/core/testing';
import { HeraldError } from '@herald/client';
import type { TopicInfo } from '@herald/contracts';
import { DASHBOARD_CLOCK } from '../clock';
import { provideDashboardConfig } from '../dashboard-config';
import { FetchFn, HERALD_FETCH, HeraldApi, parseTopicList } from './herald-api.service';
import { TopicsService } from './topics.service';

const row = (name: string): TopicInfo => ({ name, latest: 3, retained: 3, subscribers: { poll: 1, longPoll: 0, sse: 2, ws: 1 } });

function setup(fetch: FetchFn) {
  TestBed.configureTestingModule({
    providers: [
      TopicsService,
      provideDashboardConfig({ baseUrl: 'http://herald.test', topicsRefreshMs: 2_000, topicsTimeoutMs: 1_000 }),
      { provide: HERALD_FETCH, useValue: fetch },
      { provide: DASHBOARD_CLOCK, useValue: { now: () => 42 } },
    ],
  });
  return TestBed.inject(TopicsService);
}

/** jsdom has no fetch Response: HeraldApi reads only `status` and `text()`. */
const response = (status: number, body: string): Response => ({ status, text: async () => body }) as Response;

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('TopicsService', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refreshes every topicsRefreshMs and tracks reachability', async () => {
    const answers: (() => Promise<Response>)[] = [
      async () => response(200, JSON.stringify({ topics: [row('ticker')] })),
      async () => Promise.reject(new TypeError('Failed to fetch')),
      async () => response(200, JSON.stringify({ topics: [row('chat')] })),
    ];
    const fetch = jest.fn<Promise<Response>, Parameters<FetchFn>>(() => (answers.shift() ?? answers[0])());
    const service = setup(fetch);
    expect(service.status()).toBe('loading');
    service.start();
    await flush();
    expect(fetch).toHaveBeenCalledWith('http://herald.test/api/topics', expect.anything());
    expect(service.topics().map((t) => t.name)).toEqual(['ticker']);
    expect(service.updatedAt()).toBe(42);
    expect(service.apiReachable()).toBe(true);

    jest.advanceTimersByTime(2_000);
    await flush();
    expect(service.status()).toBe('error');
    expect(service.apiReachable()).toBe(false);
    expect(service.error()?.code).toBe('network_error');
    expect(service.topics().map((t) => t.name)).toEqual(['ticker']);

    jest.advanceTimersByTime(2_000);
    await flush();
    expect(service.apiReachable()).toBe(true);
    expect(service.topics().map((t) => t.name)).toEqual(['chat']);
    expect(fetch).toHaveBeenCalledTimes(3);

    TestBed.resetTestingModule();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps a problem document from the server, which does not mean the API is down', async () => {
    const problem = { type: 'urn:herald:problem:not_found', title: 'Not Found', status: 404, detail: 'no such route', code: 'not_found' };
    const service = setup(async () => response(404, JSON.stringify(problem)));
    service.start();
    await flush();
    expect(service.error()).toMatchObject({ status: 404, code: 'not_found', detail: 'no such route' });
    expect(service.apiReachable()).toBe(true);
  });
});

describe('HeraldApi', () => {
  it('reports a 5xx as retryable and an abort as a timeout', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideDashboardConfig({ baseUrl: 'http://herald.test' }),
        { provide: HERALD_FETCH, useValue: (_url: string, init?: RequestInit) => (init?.signal?.aborted ? Promise.reject(new Error('aborted')) : Promise.resolve(response(502, 'oops'))) },
      ],
    });
    const api = TestBed.inject(HeraldApi);
    const error = await api.listTopics().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldError);
    expect((error as HeraldError).retryable).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(api.listTopics(controller.signal)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('parses the topic list and rejects anything else', () => {
    expect(parseTopicList(JSON.stringify({ topics: [{ name: 'a', latest: 1, retained: 1 }] }))).toEqual([
      { name: 'a', latest: 1, retained: 1, subscribers: { poll: 0, longPoll: 0, sse: 0, ws: 0 } },
    ]);
    expect(() => parseTopicList('<html>')).toThrow(/not JSON/);
    expect(() => parseTopicList('{}')).toThrow(/no "topics"/);
  });
});
