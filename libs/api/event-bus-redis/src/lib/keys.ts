/**
 * The Redis keys of one deployment. A topic's keys share the hash tag
 * `{<topic>}`, so on a cluster they would live on one slot together.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The deployment's epoch: shared by every instance, gone when the store is recreated. */
  get epoch(): string {
    return `${this.prefix}epoch`;
  }

  /** Set of every topic ever published to. */
  get topics(): string {
    return `${this.prefix}topics`;
  }

  /** The topic's log: stream entry `<position>-0` holds the event at that position. */
  stream(topic: string): string {
    return `${this.prefix}topic:{${topic}}`;
  }

  /** The topic's last assigned position. */
  counter(topic: string): string {
    return `${this.prefix}topic:{${topic}}:seq`;
  }
}
