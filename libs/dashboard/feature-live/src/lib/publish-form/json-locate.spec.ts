import { locateJsonError } from './json-locate';

describe('locateJsonError', () => {
  it('accepts exactly what JSON.parse accepts', () => {
    const valid = ['0', '-1.5e3', '"a\\n\\u00e9"', 'true', 'null', '[]', '{}', ' {"a": [1, {"b": null}], "c": "x"} ', '[1,2,3]'];
    const invalid = ['', '01', '-', '1.', '[1,]', '{"a":1,}', "{'a':1}", '{"a" 1}', '{a:1}', '"\\x"', '"a', '[1 2]', 'tru', 'nul', '{"a":1}}', '"\t"', 'NaN', '+1'];
    for (const text of valid) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(locateJsonError(text)).toBeUndefined();
    }
    for (const text of invalid) {
      expect(() => JSON.parse(text)).toThrow();
      expect(locateJsonError(text)).toBeDefined();
    }
  });

  it('points at the first offending character with a reason', () => {
    expect(locateJsonError('[1,]')).toEqual({ offset: 3, message: 'no comma is allowed after the last element' });
    expect(locateJsonError('{"a":1,}')).toEqual({ offset: 7, message: 'no comma is allowed after the last member' });
    expect(locateJsonError('{"a" 1}')).toEqual({ offset: 5, message: 'expected ":" after the key, found "1"' });
    expect(locateJsonError('{"a":1}}')).toEqual({ offset: 7, message: 'unexpected "}" after the value' });
    expect(locateJsonError('"abc')).toEqual({ offset: 4, message: 'unterminated string: a closing " is missing' });
  });
});
