import type { INestApplication, LoggerService } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { installGracefulShutdown } from './graceful-shutdown';
import { ShutdownState } from './shutdown-state';

const quietLogger: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

function fakeApp(close: () => Promise<void>) {
  const state = new ShutdownState();
  const server = { close: jest.fn() };
  const app = { get: () => state, getHttpServer: () => server, close: jest.fn(close) } as unknown as INestApplication;
  return { app, state, server };
}

function exitCode(exit: jest.Mock): Promise<number> {
  return new Promise((resolve) => {
    exit.mockImplementation((code: number) => resolve(code));
  });
}

describe('installGracefulShutdown', () => {
  let uninstall: (() => void) | undefined;
  let signals: EventEmitter;
  beforeEach(() => {
    signals = new EventEmitter();
  });
  afterEach(() => uninstall?.());

  it('marks the instance draining, stops accepting, closes the app once and exits 0', async () => {
    const { app, state, server } = fakeApp(() => Promise.resolve());
    const exit = jest.fn();
    const exited = exitCode(exit);
    uninstall = installGracefulShutdown(app, { drainMs: 1_000, logger: quietLogger, signals: ['SIGTERM'], exit, signalSource: signals });
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(state.draining).toBe(true);
    expect(server.close).toHaveBeenCalledTimes(1);
    expect(app.close).toHaveBeenCalledTimes(1);
  });

  it('exits 1 at the bound when closing hangs', async () => {
    const { app } = fakeApp(() => new Promise(() => undefined));
    const exit = jest.fn();
    const exited = exitCode(exit);
    uninstall = installGracefulShutdown(app, { drainMs: 50, marginMs: 20, logger: quietLogger, signals: ['SIGTERM'], exit, signalSource: signals });
    const started = Date.now();
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('exits 1 when closing fails', async () => {
    const { app } = fakeApp(() => Promise.reject(new Error('boom')));
    const exit = jest.fn();
    const exited = exitCode(exit);
    uninstall = installGracefulShutdown(app, { drainMs: 1_000, logger: quietLogger, signals: ['SIGTERM'], exit, signalSource: signals });
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(1);
  });
});
