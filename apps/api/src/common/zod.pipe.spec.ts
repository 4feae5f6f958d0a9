import { z } from 'zod';
import { DomainError } from '@lianjian/common';
import { ZodPipe } from './zod.pipe';

const schema = z.strictObject({
  reason: z.string().trim().min(1, 'say why'),
  limit: z.coerce.number().int().max(100).default(20),
});
const pipe = new ZodPipe(schema);

function refusal(value: unknown, type: 'body' | 'query'): DomainError {
  try {
    pipe.transform(value, { type });
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('ZodPipe', () => {
  it('answers the parsed value, with coercions and defaults', () => {
    expect(pipe.transform({ reason: ' ok ' }, { type: 'body' })).toEqual({ reason: 'ok', limit: 20 });
    expect(pipe.transform({ reason: 'x', limit: '5' }, { type: 'query' })).toEqual({ reason: 'x', limit: 5 });
  });

  it('refuses a body with every problem, a missing body as an empty one', () => {
    const e = refusal({ reason: '', limit: 500, extra: 1 }, 'body');
    expect(e).toMatchObject({ code: 'invalid_body', message: 'invalid body / 请求内容无效' });
    expect(e.details).toEqual([
      'reason: say why',
      'limit: Too big: expected number to be <=100',
      'body: unknown field(s) extra',
    ]);
    expect(refusal(undefined, 'body').details).toEqual(['reason: is required']);
  });

  it('refuses bad query parameters naming the query', () => {
    const e = refusal({ reason: 'x', sort: 'name' }, 'query');
    expect(e).toMatchObject({ code: 'invalid_body', message: 'invalid query parameters / 查询参数无效' });
    expect(e.details).toEqual(['query: unknown field(s) sort']);
  });

  // A NUL reached PostgreSQL through any z.string() without a refinement (a 500): every string of a
  // body or query, keys included, is checked before the schema.
  it('refuses text no field accepts, anywhere in the input, before the schema', () => {
    const e = refusal({ reason: 'ok\u0000', limit: 5, extra: { 'k\u202E': 'x' } }, 'body');
    expect(e.details).toEqual([
      'reason: contains a NUL character (U+0000) / 含有空字符（U+0000）',
      'extra: a field name contains a bidirectional override (U+202E) / 含有双向文本控制字符（U+202E）',
    ]);
    expect(refusal({ reason: 'x'.repeat(10_001) }, 'body').details[0]).toMatch(/^reason: is too long/);
    expect(refusal({ reason: '\uD800' }, 'query').details[0]).toMatch(
      /^reason: contains a lone UTF-16 surrogate/,
    );
  });
});
