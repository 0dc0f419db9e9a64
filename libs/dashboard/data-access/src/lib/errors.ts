import { ClientErrorCode, HeraldError, isHeraldError } from '@herald/client';

/** Anything thrown, as a HeraldError (unknown errors become `network_error`, keeping the cause). */
export function asHeraldError(error: unknown, context: string): HeraldError {
  if (isHeraldError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HeraldError(0, ClientErrorCode.NetworkError, `${context}: ${message}`, { cause: error });
}
