import { isValidTopic } from '@herald/contracts';

/**
 * A topic pattern: an exact topic name, or a name with `*` wildcards, each
 * matching any run (possibly empty) of topic characters: `chat.*`, `*.prices`, `*`.
 */
export type TopicPattern = string;

const PATTERN = /^[A-Za-z0-9*][A-Za-z0-9._:*-]{0,127}$/;

export function isValidTopicPattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}

function compile(patterns: readonly TopicPattern[]): (topic: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns
    .filter((p) => p.includes('*'))
    .map((p) => new RegExp('^' + p.replace(/[.]/g, '\\.').replace(/\*/g, '[A-Za-z0-9._:-]*') + '$'));
  return (topic) => exact.has(topic) || globs.some((glob) => glob.test(topic));
}

/** Who is calling and what they may do. Immutable; checks are O(patterns). */
export class Principal {
  private readonly subscribeMatch: (topic: string) => boolean;
  private readonly publishMatch: (topic: string) => boolean;

  constructor(
    /** A stable, non-secret identifier (JWT `sub`, API key name) for logs and rate limits. */
    readonly id: string,
    readonly subscribe: readonly TopicPattern[],
    readonly publish: readonly TopicPattern[],
    /** Epoch ms after which the credentials are no longer valid (long-lived streams end then). */
    readonly expiresAt?: number,
  ) {
    this.subscribeMatch = compile(subscribe);
    this.publishMatch = compile(publish);
  }

  canSubscribe(topic: string): boolean {
    return isValidTopic(topic) && this.subscribeMatch(topic);
  }

  canPublish(topic: string): boolean {
    return isValidTopic(topic) && this.publishMatch(topic);
  }

  /** Topics of `topics` this principal may not subscribe to. */
  deniedSubscriptions(topics: readonly string[]): string[] {
    return topics.filter((topic) => !this.canSubscribe(topic));
  }

  /** Everyone may do everything: the explicit local-development mode. */
  static anonymousFullAccess(): Principal {
    return new Principal('anonymous', ['*'], ['*']);
  }
}
