import { ErrorCode, isValidTopic } from '@herald/contracts';
import { HeraldError } from '../herald-error';

/** The distinct topic names, in order; throws an `invalid_topic` / `missing_topics` HeraldError (status 0) for bad input. */
export function validateTopics(topics: readonly string[]): string[] {
  if (!Array.isArray(topics) || topics.length === 0) {
    throw new HeraldError(0, ErrorCode.MissingTopics, 'name at least one topic');
  }
  const bad = topics.find((topic) => typeof topic !== 'string' || !isValidTopic(topic));
  if (bad !== undefined) {
    throw new HeraldError(0, ErrorCode.InvalidTopic, `invalid topic name ${JSON.stringify(bad)}: names match [A-Za-z0-9][A-Za-z0-9._:-]{0,127}`);
  }
  return [...new Set(topics)];
}

export function validatePublish(topic: string, data: unknown): void {
  if (typeof topic !== 'string' || !isValidTopic(topic)) {
    throw new HeraldError(0, ErrorCode.InvalidTopic, `invalid topic name ${JSON.stringify(topic)}`);
  }
  if (data === undefined) throw new HeraldError(0, ErrorCode.InvalidBody, '"data" is required (any JSON value, null included)');
}
