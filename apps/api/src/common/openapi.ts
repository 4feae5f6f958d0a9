import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

// The OpenAPI document's types come from the same zod schemas the routes validate with (queries) and
// that describe what they answer (responses), so the console's generated client (schema.d.ts) cannot
// drift from the route: a query parameter is documented as ZodPipe reads it, and a response schema is
// checked against real answers in the integration specs (test/integration/pipeline.integration-spec.ts).
//
//   @ApiZodQuery(riskListQuery)        one query parameter per field, with its type, bounds and enum
//   @ApiZodOk(riskListResponse)        the 200 answer's schema
//
// The document is OpenAPI 3.0 (Nest's DocumentBuilder): zod writes `nullable: true` for it.

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): SchemaObject {
  const out = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return out as SchemaObject;
}

export const ApiZodOk = (schema: z.ZodType, description = 'OK') =>
  ApiOkResponse({ description, schema: jsonSchemaOf(schema, 'output') });

// A query object's fields as parameters, read as the client sends them (io: 'input': a field with a
// default is optional). `overrides` replaces a parameter's schema where the zod input is wider than
// what clients should send (e.g. `class` accepts "A,B" or repeated, documented as repeated A-D).
export function ApiZodQuery(
  schema: z.ZodObject,
  overrides: Record<string, SchemaObject> = {},
): MethodDecorator & ClassDecorator {
  const json = jsonSchemaOf(schema, 'input');
  const required = new Set(json.required ?? []);
  const props = (json.properties ?? {}) as Record<string, SchemaObject>;
  return applyDecorators(
    ...Object.entries(props).map(([name, prop]) => {
      const s = overrides[name] ?? prop;
      return ApiQuery({
        name,
        required: required.has(name),
        ...(s.description ? { description: s.description } : {}),
        schema: s,
        ...(s.type === 'array' ? { style: 'form', explode: true } : {}),
      });
    }),
  );
}
