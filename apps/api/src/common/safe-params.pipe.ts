import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { InvalidInputError, textProblem } from '@lianjian/common';

// Path parameters (and query values read without a ZodPipe) are checked like every other text
// (textProblem): a NUL in /cases/:id was a 500 (PostgreSQL refuses \u0000). Registered globally in
// bootstrap.ts, it runs before each parameter's own pipes; bodies are checked by ZodPipe and records
// per record (libs/domain), so a bad record does not refuse its whole batch.
export const MAX_PARAM_CHARS = 200;

export class SafeParamsPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type !== 'param' || typeof value !== 'string') return value;
    const problem = textProblem(value, MAX_PARAM_CHARS);
    if (problem)
      throw new InvalidInputError('invalid path parameter / 路径参数无效', [
        `${meta.data ?? 'param'}: ${problem}`,
      ]);
    return value;
  }
}
