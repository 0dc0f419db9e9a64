import { TOPIC_PATTERN } from '@herald/contracts';

export type TopicInput = { ok: true; topics: string[] } | { ok: false; message: string };

/** Most topics one subscription may name (the server's default `HERALD_MAX_TOPICS_PER_SUBSCRIPTION`). */
export const MAX_TOPICS = 32;

/** Parses "a, b c" (commas or spaces) into distinct, valid topic names, in order. */
export function parseTopicInput(text: string): TopicInput {
  const names = [...new Set(text.split(/[\s,]+/).filter((name) => name !== ''))];
  if (names.length === 0) return { ok: false, message: 'Name at least one topic, e.g. ticker, chat.' };
  const bad = names.filter((name) => !TOPIC_PATTERN.test(name));
  if (bad.length > 0) {
    return {
      ok: false,
      message: `${bad.map((name) => `"${name.length > 40 ? name.slice(0, 40) + '…' : name}"`).join(', ')} ${bad.length === 1 ? 'is not a valid topic name' : 'are not valid topic names'}: names start with a letter or digit, then up to 127 of A–Z a–z 0–9 . _ : -`,
    };
  }
  if (names.length > MAX_TOPICS) return { ok: false, message: `At most ${MAX_TOPICS} topics per subscription (got ${names.length}).` };
  return { ok: true, topics: names };
}
