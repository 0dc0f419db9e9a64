import type { Socket } from 'node:net';

/** Marks a socket this module has corked for the current tick. */
const CORKED = Symbol('herald.corkedForTick');

type Corkable = Socket & { [CORKED]?: boolean };

/** Sockets corked in this tick, uncorked together by one `process.nextTick`. */
const corked: Corkable[] = [];

function uncorkAll(): void {
  const count = corked.length;
  for (let i = 0; i < count; i++) {
    const socket = corked[i];
    socket[CORKED] = false;
    socket.uncork();
  }
  corked.splice(0, count);
  if (corked.length > 0) process.nextTick(uncorkAll);
}

/**
 * Holds a socket's writes until the end of the current tick, so every frame or message written to
 * it meanwhile (a burst of events, a replay) leaves in one `writev` instead of one per write. One
 * `nextTick` serves every socket corked in the tick — and Node's HTTP layer, which otherwise corks
 * each response itself with a `nextTick` per write, sees the socket already corked and skips it.
 */
export function corkUntilNextTick(socket: Socket | null | undefined): void {
  const s = socket as Corkable | null | undefined;
  if (!s || s[CORKED] || s.destroyed) return;
  s.cork();
  s[CORKED] = true;
  if (corked.push(s) === 1) process.nextTick(uncorkAll);
}
