import type { z } from 'zod';
import { InvalidInputError } from '@lianjian/common';

// Parses query or path parameters with a zod schema; a bad parameter is a 400 naming it.
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const res = schema.safeParse(input);
  if (res.success) return res.data;
  throw new InvalidInputError(
    'invalid query parameters',
    res.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`),
  );
}

// Parses a JSON body with a zod schema; a bad body is a 400 listing every problem.
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const res = schema.safeParse(body ?? {});
  if (res.success) return res.data;
  throw new InvalidInputError(
    'invalid body',
    res.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
  );
}
