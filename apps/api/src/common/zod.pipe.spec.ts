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
    expect(e).toMatchObject({ code: 'invalid_body', message: 'invalid body' });
    expect(e.details).toEqual([
      'reason: say why',
      'limit: Too big: expected number to be <=100',
      'body: unknown field(s) extra',
    ]);
    expect(refusal(undefined, 'body').details).toEqual(['reason: is required']);
  });

  it('refuses bad query parameters naming the query', () => {
    const e = refusal({ reason: 'x', sort: 'name' }, 'query');
    expect(e).toMatchObject({ code: 'invalid_body', message: 'invalid query parameters' });
    expect(e.details).toEqual(['query: unknown field(s) sort']);
  });
});
