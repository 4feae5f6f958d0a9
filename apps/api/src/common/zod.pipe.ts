import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { formatZodIssues, InvalidInputError } from '@lianjian/common';

// Validates a body, query or path parameter with a zod schema, so every refused request gets the same
// 400: { error: { code: 'invalid_body', message, details: ['<path>: <problem>', …] } }.
// Used as @Body(new ZodPipe(schema)) or @Query(new ZodPipe(schema)).
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, meta: ArgumentMetadata): z.output<S> {
    const body = meta.type === 'body';
    // No body at all is read as an empty object, so the schema names each missing field.
    const res = this.schema.safeParse(body ? (value ?? {}) : value);
    if (res.success) return res.data;
    throw new InvalidInputError(
      body ? 'invalid body' : 'invalid query parameters',
      formatZodIssues(res.error, { root: body ? 'body' : 'query' }),
    );
  }
}
