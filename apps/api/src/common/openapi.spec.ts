import 'reflect-metadata';
import { DECORATORS } from '@nestjs/swagger';
import { z } from 'zod';
import { riskListQuery, riskListQueryDoc, riskListResponse } from '../risk-list/dto/risk-list.dto';
import { ApiZodOk, ApiZodQuery, jsonSchemaOf } from './openapi';

// The OpenAPI types come from the routes' zod schemas: a query as ZodPipe reads it, an answer as
// the route returns it (its real answers are parsed by the same schema in the pipeline spec).
describe('OpenAPI from zod (common/openapi.ts)', () => {
  class Probe {
    @ApiZodQuery(riskListQuery, riskListQueryDoc)
    @ApiZodOk(riskListResponse)
    list() {}
  }
  const params = () =>
    Reflect.getMetadata(DECORATORS.API_PARAMETERS, Probe.prototype.list) as {
      name: string;
      in: string;
      required: boolean;
      schema: Record<string, unknown>;
    }[];

  it('documents each query field with its type, bounds and whether it is required', () => {
    const byName = Object.fromEntries(params().map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual([
      'class',
      'cursor',
      'industry',
      'limit',
      'minScore',
      'region',
    ]);
    expect(byName.limit).toMatchObject({
      in: 'query',
      required: false, // it has a default
      schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    });
    expect(byName.region!.schema).toMatchObject({ type: 'string', pattern: '^\\d{2,6}$' });
    // Documented as clients should send it, not as widely as it is read.
    expect(byName.class!.schema).toMatchObject({ type: 'array', items: { enum: ['A', 'B', 'C', 'D'] } });
  });

  it('documents the 200 answer, nullable fields and enums included (OpenAPI 3.0)', () => {
    const responses = Reflect.getMetadata(DECORATORS.API_RESPONSE, Probe.prototype.list) as Record<
      string,
      { schema: { properties: Record<string, { nullable?: boolean; type?: string }> } }
    >;
    const schema = responses['200']!.schema;
    expect(schema.properties.nextCursor).toMatchObject({ type: 'string', nullable: true });
    expect(JSON.stringify(schema)).toContain('"enum":["A","B","C","D"]');
    expect(schema).not.toHaveProperty('$schema');
  });

  it('writes a required field for every response field without a default', () => {
    expect(jsonSchemaOf(z.strictObject({ a: z.string(), b: z.number().optional() }))).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      required: ['a'],
      additionalProperties: false,
    });
  });
});
