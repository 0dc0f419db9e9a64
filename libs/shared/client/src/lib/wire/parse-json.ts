import { ClientErrorCode, HeraldError } from '../herald-error';

/** Parses JSON text from the server; anything unparsable is a `protocol_error` naming `what` it was. */
export function parseJson(text: unknown, what: string): unknown {
  if (typeof text !== 'string') {
    throw new HeraldError(0, ClientErrorCode.ProtocolError, `${what} is not text (got ${typeof text})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HeraldError(0, ClientErrorCode.ProtocolError, `${what} is not valid JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
}

export function protocolError(detail: string): HeraldError {
  return new HeraldError(0, ClientErrorCode.ProtocolError, detail);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
