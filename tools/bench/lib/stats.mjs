// Delivery bookkeeping: per-subscriber loss / duplicate / order checks and a latency sample.

/** A growable Float32Array of latency samples (ms). */
export class Samples {
  constructor(capacity = 1 << 16) {
    this.data = new Float32Array(capacity);
    this.length = 0;
  }

  push(value) {
    if (this.length === this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** p in [0, 100]; NaN when empty. Sorts once. */
  percentiles(...ps) {
    if (this.length === 0) return ps.map(() => NaN);
    const sorted = this.data.slice(0, this.length).sort();
    return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
  }
}

/**
 * Tracks what each subscriber received of events numbered 1..expected
 * (the publisher's sequence number `s`, carried in the payload with the send time `t`).
 */
export class Recorder {
  constructor(expected) {
    this.expected = expected;
    this.latency = new Samples(Math.min(1 << 22, Math.max(1 << 12, expected * 8)));
    this.subs = [];
    this.deliveries = 0;
    this.stale = 0;
    this.complete = 0;
    this.firstAt = Infinity;
    this.lastAt = 0;
    this.onComplete = null;
  }

  /** A subscriber's own ledger. */
  subscriber() {
    const state = { seen: new Uint8Array(this.expected + 1), distinct: 0, dup: 0, ooo: 0, foreign: 0, max: 0, doneAt: 0, startedAt: 0 };
    this.subs.push(state);
    return state;
  }

  /** One delivered event: sequence number `s`, sent at `t` (performance.now() of this process). */
  record(state, s, t, now) {
    if (s < 1) {
      // A straggler of an earlier step (numbers are relative to the step): not this step's business.
      this.stale++;
      return;
    }
    this.deliveries++;
    this.latency.push(now - t);
    if (now < this.firstAt) this.firstAt = now;
    this.lastAt = now;
    if (s < 1 || s > this.expected) {
      state.foreign++;
      return;
    }
    if (state.seen[s]) {
      state.dup++;
      return;
    }
    state.seen[s] = 1;
    state.distinct++;
    if (s < state.max) state.ooo++;
    else state.max = s;
    if (state.distinct === this.expected) {
      state.doneAt = now;
      this.complete++;
      if (this.complete === this.subs.length) this.onComplete?.();
    }
  }

  /** Resolves when every subscriber has every event, or after `ms`. */
  whenComplete(ms) {
    if (this.complete === this.subs.length) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onComplete = null;
        resolve(false);
      }, ms);
      this.onComplete = () => {
        clearTimeout(timer);
        this.onComplete = null;
        resolve(true);
      };
    });
  }

  summary() {
    let lost = 0;
    let dup = 0;
    let ooo = 0;
    let foreign = 0;
    for (const s of this.subs) {
      lost += this.expected - s.distinct;
      dup += s.dup;
      ooo += s.ooo;
      foreign += s.foreign;
    }
    const [p50, p99, max] = this.latency.percentiles(50, 99, 100);
    return { subscribers: this.subs.length, expected: this.expected * this.subs.length, deliveries: this.deliveries, lost, dup, ooo, foreign, p50, p99, max };
  }
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Finds every `{"s":N,"t":T` in `text` (the bench payload, verbatim in every wire format) and calls
 * `on(N, T)`. Cheaper than JSON.parse of every frame, so the generator stays ahead of the server.
 */
export function scanEvents(text, on) {
  let n = 0;
  let i = text.indexOf('{"s":');
  while (i >= 0) {
    let j = i + 5;
    let s = 0;
    let c = text.charCodeAt(j);
    while (c >= 48 && c <= 57) {
      s = s * 10 + (c - 48);
      c = text.charCodeAt(++j);
    }
    // `,"t":` follows
    const tStart = j + 5;
    const tEnd = text.indexOf(',', tStart);
    on(s, Number(text.slice(tStart, tEnd)));
    n++;
    i = text.indexOf('{"s":', tEnd);
  }
  return n;
}

/** The value of the last `"cursor":"..."` in a Delivery or WS frame, or undefined. */
export function lastCursor(text) {
  const i = text.lastIndexOf('"cursor":"');
  if (i < 0) return undefined;
  return text.slice(i + 10, text.indexOf('"', i + 10));
}

/** A payload whose JSON is `bytes` long: `{"s":seq,"t":sentAt,"p":"xxx..."}`. */
export function payload(seq, sentAt, bytes) {
  const head = '{"s":' + seq + ',"t":' + sentAt + ',"p":"';
  const pad = Math.max(0, bytes - head.length - 2);
  return head + 'x'.repeat(pad) + '"}';
}
