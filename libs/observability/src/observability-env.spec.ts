import { z } from 'zod';
import { parseEnv } from '@lianjian/common';
import { metricsEnv, requireMetricsToken } from './observability-env';
import { REDACT_PATHS } from './logging';

const schema = z.object(metricsEnv).superRefine(requireMetricsToken);

describe('metrics listener configuration', () => {
  it('is off unless METRICS_PORT is set, and on loopback by default', () => {
    expect(parseEnv(schema, {})).toEqual({ METRICS_HOST: '127.0.0.1' });
    expect(parseEnv(schema, { METRICS_PORT: '9464' })).toMatchObject({ METRICS_PORT: 9464 });
  });

  it('wants a token as soon as it listens beyond loopback', () => {
    expect(() => parseEnv(schema, { METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toThrow(
      /METRICS_TOKEN: required when METRICS_HOST \(0\.0\.0\.0\) is not a loopback address/,
    );
    const token = 'a-long-enough-token-123';
    expect(
      parseEnv(schema, { METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: token }),
    ).toMatchObject({ METRICS_HOST: '0.0.0.0' });
    // A short token is refused, and never echoed.
    expect(() => parseEnv(schema, { METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: .*\(got "\*\*\*"\)/);
    expect(() => parseEnv(schema, { METRICS_HOST: 'metrics.example' })).toThrow(/METRICS_HOST/);
  });
});

describe('log redaction', () => {
  it('names the headers and fields that hold secrets', () => {
    for (const p of [
      'req.headers.authorization',
      'req.headers["x-api-key"]',
      'req.headers.cookie',
      '*.password',
      '*.totp',
      '*.secret',
      'WEBHOOK_SECRETS_KEY',
    ])
      expect(REDACT_PATHS).toContain(p);
  });
});
