export * from './lib/event-bus';
export * from './lib/errors';
export * from './lib/cursor';
export * from './lib/log-reader';
export * from './lib/memory-event-bus';
