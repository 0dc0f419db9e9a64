/** Where and why a text is not JSON. */
export interface JsonSyntaxError {
  /** Offset of the first character that cannot be JSON at that point. */
  offset: number;
  /** What was expected there, in words. */
  message: string;
}

/**
 * Finds the first syntax error in `text` by the JSON grammar (RFC 8259), or
 * `undefined` when it is valid. Engines word (and place) `JSON.parse` errors
 * differently — some give no position at all — so the form locates errors itself.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): never => {
    throw { offset: i, message } satisfies JsonSyntaxError;
  };
  const found = (): string => (i >= text.length ? 'the end of the input' : `${JSON.stringify(text[i])}`);
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected a value, found ${found()}`);
  };
  const string = (): void => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('control characters (such as line breaks) must be escaped inside strings');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('\\u must be followed by four hex digits');
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail(`invalid escape \\${text[i] ?? ''}`);
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string: a closing " is missing');
    i++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '-' || match[0] === '') fail(`expected a value, found ${found()}`);
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === "'") fail('strings and keys need "double quotes", not \'single\'');
    fail(`expected a value, found ${found()}`);
  };
  const object = (): void => {
    i++;
    space();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      space();
      if (text[i] === '}') fail('no comma is allowed after the last member');
      if (text[i] === "'") fail('keys need "double quotes", not \'single\'');
      if (text[i] !== '"') fail(`expected a "key" in double quotes, found ${found()}`);
      string();
      space();
      if (text[i] !== ':') fail(`expected ":" after the key, found ${found()}`);
      i++;
      value();
      space();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected "," or "}", found ${found()}`);
    }
  };
  const array = (): void => {
    i++;
    space();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      space();
      if (text[i] === ']') fail('no comma is allowed after the last element');
      value();
      space();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected "," or "]", found ${found()}`);
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${found()} after the value`);
    return undefined;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error) return error as JsonSyntaxError;
    throw error;
  }
}
