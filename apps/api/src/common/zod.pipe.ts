import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { formatZodIssues, InvalidInputError, unsafeTextIssues } from '@lianjian/common';

// Validates a body, query or path parameter with a zod schema, so every refused request gets the same
// 400: { error: { code: 'invalid_body', message, details: ['<path>: <problem>', …] } }.
// Used as @Body(new ZodPipe(schema)) or @Query(new ZodPipe(schema)).
// Before the schema, every string of the input (and every key) is checked once for what no field
// accepts (NUL, lone surrogates, control characters, bidi overrides, over MAX_TEXT_CHARS): see
// textProblem in @lianjian/common. The schema's own bounds then apply.
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown, meta: ArgumentMetadata): z.output<S> {
    const body = meta.type === 'body';
    const root = body ? 'body' : 'query';
    const message = body ? 'invalid body / 请求内容无效' : 'invalid query parameters / 查询参数无效';
    const unsafe = unsafeTextIssues(value, { root });
    if (unsafe.length) throw new InvalidInputError(message, unsafe);
    // No body at all is read as an empty object, so the schema names each missing field.
    const res = this.schema.safeParse(body ? (value ?? {}) : value);
    if (res.success) return res.data;
    throw new InvalidInputError(message, formatZodIssues(res.error, { root }));
  }
}
