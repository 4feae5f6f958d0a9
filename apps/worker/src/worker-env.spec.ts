import { parseEnv } from '@lianjian/common';
import { workerEnvSchema } from './worker-env';

describe('worker environment: the schedules time zone', () => {
  const tz = (env: Record<string, string>) =>
    parseEnv(workerEnvSchema, { NODE_ENV: 'test', ...env }).SCHEDULES_TZ;

  it('is Asia/Shanghai by default', () => {
    expect(tz({})).toBe('Asia/Shanghai');
  });

  it('is SCHEDULES_TZ, or FEED_CHECK_TZ (its old name) when only that is set', () => {
    expect(tz({ SCHEDULES_TZ: 'Europe/Berlin' })).toBe('Europe/Berlin');
    expect(tz({ FEED_CHECK_TZ: 'America/Chicago' })).toBe('America/Chicago');
  });

  it('is SCHEDULES_TZ when both are set', () => {
    expect(tz({ SCHEDULES_TZ: 'Europe/Berlin', FEED_CHECK_TZ: 'America/Chicago' })).toBe('Europe/Berlin');
  });

  it('names the variable holding something that is no time zone', () => {
    expect(() => tz({ FEED_CHECK_TZ: 'Mars/Olympus' })).toThrow(/FEED_CHECK_TZ: must be an IANA time zone/);
    expect(() => tz({ SCHEDULES_TZ: 'UTC+8' })).toThrow(/SCHEDULES_TZ: must be an IANA time zone/);
  });
});

describe('worker environment: the webhook secrets key', () => {
  it('is required when NODE_ENV is unset (development), not only in production', () => {
    expect(() => parseEnv(workerEnvSchema, {})).toThrow(/WEBHOOK_SECRETS_KEY: required/);
    expect(() => parseEnv(workerEnvSchema, { NODE_ENV: 'development' })).toThrow(
      /WEBHOOK_SECRETS_KEY: required/,
    );
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(parseEnv(workerEnvSchema, { WEBHOOK_SECRETS_KEY: key }).WEBHOOK_SECRETS_KEY).toBe(key);
    expect(parseEnv(workerEnvSchema, { NODE_ENV: 'test' }).WEBHOOK_SECRETS_KEY).toBeUndefined();
  });
});

describe('worker environment: score history (issue 15)', () => {
  const env = (vars: Record<string, string>) => parseEnv(workerEnvSchema, { NODE_ENV: 'test', ...vars });

  it('keeps the whole history and writes rows for score moves of a point or more by default', () => {
    expect(env({})).toMatchObject({
      SCORE_HISTORY_RETENTION_MONTHS: 0,
      SCORE_RETENTION_CRON: '20 4 * * *',
      SCORE_RUN_MIN_CHANGE: 1,
    });
    expect(env({ SCORE_HISTORY_RETENTION_MONTHS: '24', SCORE_RUN_MIN_CHANGE: '0' })).toMatchObject({
      SCORE_HISTORY_RETENTION_MONTHS: 24,
      SCORE_RUN_MIN_CHANGE: 0,
    });
  });

  it('refuses a retention that is no whole number of months, and a negative minimum change', () => {
    expect(() => env({ SCORE_HISTORY_RETENTION_MONTHS: '-1' })).toThrow(/SCORE_HISTORY_RETENTION_MONTHS/);
    expect(() => env({ SCORE_HISTORY_RETENTION_MONTHS: '1.5' })).toThrow(/SCORE_HISTORY_RETENTION_MONTHS/);
    expect(() => env({ SCORE_HISTORY_RETENTION_MONTHS: 'a year' })).toThrow(/SCORE_HISTORY_RETENTION_MONTHS/);
    expect(() => env({ SCORE_RUN_MIN_CHANGE: '-0.5' })).toThrow(/SCORE_RUN_MIN_CHANGE/);
    expect(() => env({ SCORE_RETENTION_CRON: 'nightly' })).toThrow(/SCORE_RETENTION_CRON/);
  });
});
