import { ErrorCode, isValidTopic } from '@herald/contracts';
import { ProblemException } from './problem.exception';

type QueryValue = string | string[] | undefined | unknown;

function single(value: QueryValue, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 1 && typeof value[0] === 'string') return value[0];
    throw ProblemException.badRequest(ErrorCode.InvalidBody, `"${name}" may be given once`);
  }
  if (typeof value !== 'string') throw ProblemException.badRequest(ErrorCode.InvalidBody, `"${name}" must be a string`);
  return value;
}

/** `topics=a,b` (or repeated `topics=`): 1..max distinct valid names, in the order given. */
export function parseTopics(value: QueryValue, max: number): string[] {
  // The common case, one valid name, without the general path's arrays and set.
  if (typeof value === 'string' && max >= 1 && !value.includes(',') && isValidTopic(value)) return [value];
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (raw.some((part) => typeof part !== 'string')) {
    throw ProblemException.badRequest(ErrorCode.InvalidTopic, '"topics" must be a comma-separated list of topic names');
  }
  const names = (raw as string[]).flatMap((part) => part.split(',')).filter((name) => name !== '');
  if (names.length === 0) {
    throw ProblemException.badRequest(ErrorCode.MissingTopics, 'name at least one topic: ?topics=a,b');
  }
  const topics = [...new Set(names)];
  if (topics.length > max) {
    throw ProblemException.badRequest(ErrorCode.TooManyTopics, `at most ${max} topics per subscription (got ${topics.length})`);
  }
  const bad = topics.find((name) => !isValidTopic(name));
  if (bad !== undefined) {
    throw ProblemException.badRequest(
      ErrorCode.InvalidTopic,
      `invalid topic name ${JSON.stringify(bad.slice(0, 140))}: names match [A-Za-z0-9][A-Za-z0-9._:-]{0,127}`,
    );
  }
  return topics;
}

export function parseSinceParam(value: QueryValue): string | undefined {
  return single(value, 'since');
}

/** A whole number in [min, max], or the default when absent. */
export function parseBoundedInt(
  value: QueryValue,
  name: string,
  code: ErrorCode,
  bounds: { min: number; max: number; fallback: number },
): number {
  const text = single(value, name);
  if (text === undefined || text === '') return bounds.fallback;
  if (!/^[0-9]{1,10}$/.test(text)) {
    throw ProblemException.badRequest(code, `"${name}" must be a whole number from ${bounds.min} to ${bounds.max}`);
  }
  const n = Number(text);
  if (n < bounds.min || n > bounds.max) {
    throw ProblemException.badRequest(code, `"${name}" must be from ${bounds.min} to ${bounds.max} (got ${n})`);
  }
  return n;
}
