import { z } from 'zod';
import { formatIssuePath, formatZodIssues } from './zod-issues';

const schema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  items: z.array(z.strictObject({ amount: z.number() })),
});

function problems(input: unknown, format?: Parameters<typeof formatZodIssues>[1]): string[] {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected a refusal');
  return formatZodIssues(r.error, format);
}

describe('formatZodIssues', () => {
  it('names each problem by its path, indices in brackets', () => {
    expect(problems({ name: '', items: [{ amount: 1 }, { amount: 'x' }] })).toEqual([
      'name: must not be empty',
      'items[1].amount: Invalid input: expected number, received string',
    ]);
  });

  it('says a missing field is required and lists unknown fields', () => {
    expect(problems({ items: [{ amount: 1, extra: true }], other: 1 })).toEqual([
      'name: is required',
      'items[0]: unknown field(s) extra',
      '(root): unknown field(s) other',
    ]);
  });

  it('names the whole input as told, and paths relative to a prefix', () => {
    expect(problems({ name: 'x', items: [], more: 1 }, { root: 'body' })).toEqual([
      'body: unknown field(s) more',
    ]);
    expect(problems({ name: 'x', items: [{}] }, { prefix: ['batch'] })).toEqual([
      'batch.items[0].amount: is required',
    ]);
  });

  it('writes paths as the document does', () => {
    expect(formatIssuePath(['types', 2, 'label', 'zh'])).toBe('types[2].label.zh');
    expect(formatIssuePath([0, 'a'])).toBe('[0].a');
    expect(formatIssuePath([])).toBe('(root)');
    expect(formatIssuePath([], 'query')).toBe('query');
  });
});
