import { describe, expect, it } from 'vitest';
import { ApiFailure, ok } from './client';

describe('ok()', () => {
  it('keeps the API’s reason of a refusal whose body the client already read', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          code: 'invalid_input',
          message: 'nothing was stored',
          details: ['penalty.fineAmount: is required'],
        },
      }),
      { status: 400, headers: { 'content-type': 'application/json' } },
    );
    const error = JSON.parse(await response.text()); // as openapi-fetch does with a refusal
    const failed = await ok(Promise.resolve({ error, response })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApiFailure);
    expect((failed as ApiFailure).error).toMatchObject({
      status: 400,
      code: 'invalid_input',
      message: 'nothing was stored',
      details: ['penalty.fineAmount: is required'],
    });
  });

  it('reads the body itself when nobody did', async () => {
    const response = new Response(
      JSON.stringify({ error: { code: 'conflict', message: 'case 1 is closed' } }),
      {
        status: 409,
      },
    );
    const failed = (await ok(Promise.resolve({ response })).catch((e: unknown) => e)) as ApiFailure;
    expect(failed.error).toMatchObject({ status: 409, code: 'conflict', message: 'case 1 is closed' });
  });
});
