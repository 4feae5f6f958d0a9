import { parseEnv } from '@lianjian/common';
import { apiEnvSchema } from './api-env';

describe('api environment', () => {
  const trustProxy = (TRUST_PROXY?: string) =>
    parseEnv(apiEnvSchema, { NODE_ENV: 'test', ...(TRUST_PROXY === undefined ? {} : { TRUST_PROXY }) })
      .TRUST_PROXY;

  // X-Forwarded-For is believed only from the proxies named: never from every address.
  it('takes TRUST_PROXY as none, a hop count, or addresses and CIDRs', () => {
    expect(trustProxy()).toBe(false);
    expect(trustProxy('')).toBe(false);
    expect(trustProxy('0')).toBe(false);
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('loopback, 10.0.0.0/8,fd00::/8, 192.0.2.1')).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.1',
    ]);
    for (const bad of ['true', '*', '10.0.0.0/33', 'gateway.local', '10.0.0.1/8/8', '1,2'])
      expect(() => trustProxy(bad)).toThrow(/TRUST_PROXY: a hop count/);
  });

  it('logs idle tokens out after 30 minutes unless told otherwise', () => {
    expect(parseEnv(apiEnvSchema, { NODE_ENV: 'test' }).ACCESS_TOKEN_IDLE_MINUTES).toBe(30);
  });
});
