import { DomainError } from '@lianjian/common';
import { SafeParamsPipe } from './safe-params.pipe';

// A NUL in a path parameter (/api/v1/rules/:id) reached PostgreSQL: a 500.
describe('SafeParamsPipe', () => {
  const pipe = new SafeParamsPipe();
  const refusal = (value: string) => {
    try {
      pipe.transform(value, { type: 'param', data: 'id' });
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
    throw new Error('expected a refusal');
  };

  it('passes ordinary parameters, and bodies and queries untouched (ZodPipe checks those)', () => {
    expect(pipe.transform('330106-SAMR', { type: 'param', data: 'code' })).toBe('330106-SAMR');
    expect(pipe.transform('samr:西湖-1', { type: 'param', data: 'key' })).toBe('samr:西湖-1');
    expect(pipe.transform({ a: '\u0000' }, { type: 'body' })).toEqual({ a: '\u0000' });
  });

  it('refuses NUL, controls, bidi overrides and over 200 characters, naming the parameter', () => {
    expect(refusal('1\u0000')).toMatchObject({
      code: 'invalid_body',
      message: 'invalid path parameter / 路径参数无效',
      details: ['id: contains a NUL character (U+0000) / 含有空字符（U+0000）'],
    });
    expect(refusal('a\u202Eb').details[0]).toMatch(/^id: contains a bidirectional override/);
    expect(refusal('x'.repeat(201)).details[0]).toMatch(/^id: is too long \(201 characters, at most 200\)/);
  });
});
