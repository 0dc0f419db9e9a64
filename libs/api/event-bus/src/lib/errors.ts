/** A `since` value that is not a cursor Herald issued. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** The bus already holds the most topics it may; publishing to a new topic is refused. */
export class TopicLimitError extends Error {
  override readonly name = 'TopicLimitError';
}
