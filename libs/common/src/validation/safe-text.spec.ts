import { copyLine } from '../copy-text';
import { storableJson, storableText, textProblem, unsafeTextIssues } from './safe-text';

describe('textProblem', () => {
  it('accepts ordinary text, tabs, line breaks, emoji and the bidi marks', () => {
    for (const s of ['杭州市西湖区某餐饮有限公司', 'a\tb\nc\r\n', '😀 企业', 'abc\u200Fdef', "1' OR '1'='1"])
      expect(textProblem(s)).toBeUndefined();
  });

  it('refuses NUL, lone surrogates, control characters, bidi overrides and isolates, in zh-CN and English', () => {
    expect(textProblem('A\u0000B')).toBe('contains a NUL character (U+0000) / 含有空字符（U+0000）');
    expect(textProblem('A\uD800B')).toMatch(/lone UTF-16 surrogate .* \/ 含有无效的 UTF-16 代理字符/);
    expect(textProblem('\uDC00')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('A\u001B[31m')).toMatch(/control character \(U\+001B\) \/ 含有控制字符/);
    expect(textProblem('\u0085')).toMatch(/U\+0085/);
    expect(textProblem('恒信\u202Egpj.exe')).toMatch(
      /bidirectional override \(U\+202E\) \/ 含有双向文本控制字符/,
    );
    expect(textProblem('\u2067x\u2069')).toMatch(/U\+2067/);
  });

  it('bounds the length (10,000 characters unless told)', () => {
    expect(textProblem('x'.repeat(10_000))).toBeUndefined();
    expect(textProblem('x'.repeat(10_001))).toMatch(
      /too long \(10001 characters, at most 10000\) \/ 内容过长/,
    );
    expect(textProblem('x'.repeat(201), 200)).toMatch(/at most 200/);
  });
});

describe('unsafeTextIssues', () => {
  it('names the path of every unsafe value and key, and nesting too deep', () => {
    expect(
      unsafeTextIssues({ a: 'ok', b: ['ok', 'x\u0000'], c: { 'k\u0001': 1 } }, { root: 'body' }),
    ).toEqual([
      'b[1]: contains a NUL character (U+0000) / 含有空字符（U+0000）',
      'c: a field name contains a control character (U+0001) / 含有控制字符（U+0001）',
    ]);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(unsafeTextIssues(deep, { root: 'body' })).toEqual([
      `${'[0]'.repeat(32)}: is nested too deeply (at most 32 levels) / 嵌套层级过深`,
    ]);
    expect(unsafeTextIssues('\u0000', { root: 'query' })[0]).toMatch(/^query: contains a NUL/);
  });
});

describe('storable text', () => {
  it('escapes NUL and lone surrogates visibly, keeps pairs and other text', () => {
    expect(storableText('a\u0000b\uD800c😀')).toBe('a\\u0000b\\uD800c😀');
    expect(storableJson({ 'k\u0000': ['v\uDC00', 1, null] })).toEqual({ 'k\\u0000': ['v\\uDC00', 1, null] });
    // A __proto__ key stays an own key: the escape never sets a prototype.
    const parsed = JSON.parse('{"__proto__":{"x":1}}');
    const copy = storableJson(parsed) as object;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
  });

  it('lets COPY carry a row with a NUL (it failed the whole batch)', () => {
    expect(copyLine(['a\u0000b', 'c\td', '\uD800'])).toBe('a\\\\u0000b\tc\\td\t\\\\uD800\n');
  });
});
