import type { OutgoingHttpHeader, ServerResponse } from 'node:http';

/**
 * The headers an answer will carry, gathered before it is written. Header middleware (helmet, cors)
 * sets them here as it would on a response; the answer then takes them in one go. Node keeps every
 * header set with `setHeader` (a dictionary of `[name, value]` pairs and a lower-cased copy of each
 * name) for as long as the response lives; headers handed to `writeHead` at once are only written.
 * For an event stream that lives for hours that difference was a fifth of its memory.
 */
export class PendingHeaders {
  /** By lower-cased name: the name as last given (as Node keeps it), and the value. */
  private readonly byName = new Map<string, [string, OutgoingHttpHeader]>();

  setHeader(name: string, value: OutgoingHttpHeader): this {
    this.byName.set(name.toLowerCase(), [name, value]);
    return this;
  }

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.byName.get(name.toLowerCase())?.[1];
  }

  hasHeader(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.byName.delete(name.toLowerCase());
  }

  /** Sets them on `res` (for answers that set more headers of their own, or a problem answer). */
  applyTo(res: ServerResponse): void {
    if (res.headersSent) return;
    for (const [name, value] of this.byName.values()) res.setHeader(name, value);
  }

  /** Them and `more` (which win), as one object for `writeHead`. */
  with(more: Readonly<Record<string, OutgoingHttpHeader>>): Record<string, OutgoingHttpHeader> {
    const all: Record<string, OutgoingHttpHeader> = {};
    for (const [name, value] of this.byName.values()) all[name] = value;
    for (const name of Object.keys(more)) {
      const given = this.byName.get(name.toLowerCase());
      if (given !== undefined && given[0] !== name) delete all[given[0]];
      all[name] = more[name];
    }
    return all;
  }

  /** This, as the `res` a Connect-style header middleware expects (it only sets and reads headers). */
  asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}
