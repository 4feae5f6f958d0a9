import { jsonTextProblem } from './json-text';

describe('jsonTextProblem', () => {
  it('accepts ordinary JSON, keys and numbers alike in different objects, escapes in strings', () => {
    for (const t of [
      '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
      '{"s":"say \\"a\\":1, \\\\","a":"x"}',
      '[9007199254740991,-9007199254740991,1.5e300,0.1,-0]',
      '"a string"',
      'null',
      '{"constructorName":"x","proto":1}',
    ])
      expect(jsonTextProblem(t)).toBeUndefined();
  });

  it('refuses a key twice in one object, at any depth', () => {
    expect(jsonTextProblem('{"a":1,"a":2}')).toBe(
      'the key "a" appears twice in one object / 同一对象中字段 "a" 重复',
    );
    expect(jsonTextProblem('{"x":[{"b":1,"c":{"d":1},"b":2}]}')).toMatch(/"b" appears twice/);
    // The same key once escaped is the same key.
    expect(jsonTextProblem('{"a":1,"\\u0061":2}')).toMatch(/"a" appears twice/);
  });

  it('refuses __proto__, constructor and prototype keys', () => {
    expect(jsonTextProblem('{"__proto__":{"polluted":1}}')).toBe(
      'the key "__proto__" is not accepted / 不接受名为 "__proto__" 的字段',
    );
    expect(jsonTextProblem('{"a":[{"constructor":{"prototype":{}}}]}')).toMatch(/"constructor"/);
    expect(jsonTextProblem('{"\\u005f_proto__":1}')).toMatch(/"__proto__"/);
  });

  it('refuses integers beyond 2^53 − 1 and numbers beyond a double', () => {
    expect(jsonTextProblem('{"id":9007199254740993}')).toMatch(
      /beyond ±2\^53 − 1 .* send it as a string \/ 整数/,
    );
    expect(jsonTextProblem('[-9007199254740992]')).toMatch(/beyond/);
    expect(jsonTextProblem('{"n":1e400}')).toMatch(/out of range \/ 数值/);
  });

  it('refuses nesting deeper than 32 levels, and never throws on text that is not JSON', () => {
    expect(jsonTextProblem(`${'['.repeat(32)}1${']'.repeat(32)}`)).toBeUndefined();
    expect(jsonTextProblem(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`)).toMatch(/deeper than 32/);
    for (const t of ['{"a":', '{"a', '{"a\\', '}}}', '-', '{"a":1,"a"'])
      expect(() => jsonTextProblem(t)).not.toThrow();
  });
});
