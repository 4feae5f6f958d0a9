import { z } from 'zod';
import { baseEnvSchema, EnvValidationError, parseEnv } from './env';

describe('parseEnv', () => {
  it('applies documented defaults', () => {
    const env = parseEnv(baseEnvSchema, {});
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/lianjian');
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.QUEUE_PREFIX).toBe('lianjian');
  });

  it('names every malformed variable, with its value (passwords masked)', () => {
    const schema = baseEnvSchema.extend({ PORT: z.coerce.number().int().min(0).max(65535) });
    let err: unknown;
    try {
      parseEnv(schema, { DATABASE_URL: 'mysql://root:secret@db/x', PORT: 'eighty', QUEUE_PREFIX: 'a b' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvValidationError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL \(got "mysql:\/\/root:\*\*\*@db\/x"\)/);
    expect(msg).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(msg).toMatch(/QUEUE_PREFIX: letters, digits, _ and - only/);
    expect(msg).not.toContain('secret');
  });

  it('reports a required variable that is missing', () => {
    const schema = z.object({ WEBHOOK_SECRET: z.string().min(16) });
    expect(() => parseEnv(schema, {})).toThrow(/WEBHOOK_SECRET: .*\(not set\)/);
  });
});
