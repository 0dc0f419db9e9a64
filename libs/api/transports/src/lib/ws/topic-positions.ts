/**
 * A position per topic, with a `Map`'s semantics for the operations a WebSocket session uses
 * (insertion order kept, `set` of a present topic keeps its place). One topic — the common case —
 * is held in two fields; the `Map` (about 200 bytes even for one entry) is allocated only when a
 * second topic is added, and kept from then on.
 */
export class TopicPositions implements Iterable<[string, number]> {
  private soleTopic: string | undefined = undefined;
  private solePosition = 0;
  private map: Map<string, number> | undefined = undefined;

  get size(): number {
    if (this.map) return this.map.size;
    return this.soleTopic === undefined ? 0 : 1;
  }

  has(topic: string): boolean {
    return this.map ? this.map.has(topic) : this.soleTopic === topic;
  }

  get(topic: string): number | undefined {
    if (this.map) return this.map.get(topic);
    return this.soleTopic === topic ? this.solePosition : undefined;
  }

  set(topic: string, position: number): void {
    if (this.map) {
      this.map.set(topic, position);
    } else if (this.soleTopic === undefined || this.soleTopic === topic) {
      this.soleTopic = topic;
      this.solePosition = position;
    } else {
      this.map = new Map([
        [this.soleTopic, this.solePosition],
        [topic, position],
      ]);
      this.soleTopic = undefined;
    }
  }

  delete(topic: string): void {
    if (this.map) this.map.delete(topic);
    else if (this.soleTopic === topic) this.soleTopic = undefined;
  }

  /** The topics, in insertion order. */
  keys(): string[] {
    if (this.map) return [...this.map.keys()];
    return this.soleTopic === undefined ? [] : [this.soleTopic];
  }

  *[Symbol.iterator](): Iterator<[string, number]> {
    if (this.map) yield* this.map;
    else if (this.soleTopic !== undefined) yield [this.soleTopic, this.solePosition];
  }
}
