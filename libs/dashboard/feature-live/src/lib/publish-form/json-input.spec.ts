import { FormControl } from '@angular/forms';
import { jsonBytes, jsonValidator, lineAndColumn, parseJsonInput } from './json-input';

describe('parseJsonInput', () => {
  it('accepts any JSON value', () => {
    expect(parseJsonInput('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJsonInput('null')).toEqual({ ok: true, value: null });
    expect(parseJsonInput(' 42 ')).toEqual({ ok: true, value: 42 });
    expect(parseJsonInput('"hi"')).toEqual({ ok: true, value: 'hi' });
  });

  it('asks for data when the field is empty', () => {
    const result = parseJsonInput('   \n');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^Enter the event data as JSON/);
  });

  it('says where the JSON breaks', () => {
    const result = parseJsonInput('{\n  "a": 1,\n  "b": }');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toBe('Not valid JSON at line 3, column 8: expected a value, found "}".');
  });

  it('explains input that ends early and single quotes', () => {
    expect(parseJsonInput('{"seq":')).toEqual({ ok: false, message: 'Not valid JSON at line 1, column 8: expected a value, found the end of the input.' });
    expect(parseJsonInput("{'a': 1}")).toEqual({ ok: false, message: 'Not valid JSON at line 1, column 2: keys need "double quotes", not \'single\'.' });
  });

  it('computes line and column from an offset', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('works as a form validator and measures UTF-8 bytes', () => {
    expect(new FormControl('{"ok":true}', jsonValidator).errors).toBeNull();
    expect(new FormControl('{oops}', jsonValidator).errors?.['json']).toMatch(/^Not valid JSON/);
    expect(jsonBytes({ text: 'é' })).toBe(13);
  });
});
