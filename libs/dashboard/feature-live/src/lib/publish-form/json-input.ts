import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { locateJsonError } from './json-locate';

export type JsonInput = { ok: true; value: unknown } | { ok: false; message: string };

/** Line and column (1-based) of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/**
 * Parses the publish form's data field. Any JSON value is valid event data
 * (`null`, numbers and strings included); an empty field is not. Errors say
 * where the JSON breaks, in words a person can act on.
 */
export function parseJsonInput(text: string): JsonInput {
  if (text.trim() === '') return { ok: false, message: 'Enter the event data as JSON, for example {"text": "hello"} — null, numbers and "strings" work too.' };
  const syntax = locateJsonError(text);
  if (syntax) {
    const { line, column } = lineAndColumn(text, syntax.offset);
    return { ok: false, message: `Not valid JSON at line ${line}, column ${column}: ${syntax.message}.` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // Not reached for text the locator accepts; kept so a parser disagreement still reads as an error.
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Validator for a JSON text control: `{ json: message }` when it does not parse. */
export const jsonValidator: ValidatorFn = (control: AbstractControl): ValidationErrors | null => {
  const result = parseJsonInput(String(control.value ?? ''));
  return result.ok ? null : { json: result.message };
};

/** Size of `value` as the server measures it (UTF-8 bytes of its JSON). */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}
