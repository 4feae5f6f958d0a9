import { ConfigService } from '@nestjs/config';
import { startStack, type Stack } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Each app's ConfigService serves the configuration object the app was built from: a variable set
// only in process.env does not reach it, and building the apps writes nothing to process.env, so
// stacks in one process never see each other's variables.
describe('app configuration: the object given, not process.env', () => {
  let stack: Stack;
  let envBefore: NodeJS.ProcessEnv;

  beforeAll(async () => {
    process.env.LIANJIAN_ONLY_IN_PROCESS_ENV = 'from process.env';
    process.env.RULES_REFRESH_MS = '1234';
    envBefore = { ...process.env };
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      queues: 'ingest',
      env: { LOGIN_MAX_FAILURES: '7', RULES_REFRESH_MS: '0', FEED_CHECK_CRON: '' },
    });
  });

  afterAll(async () => {
    await stack?.close();
    delete process.env.LIANJIAN_ONLY_IN_PROCESS_ENV;
    delete process.env.RULES_REFRESH_MS;
  });

  it.each(['api', 'worker'] as const)('%s: serves the config object, nothing of process.env', (app) => {
    const config = stack[app].get(ConfigService);
    expect(config.get('QUEUE_PREFIX')).toBe(stack.env.QUEUE_PREFIX);
    expect(config.get('DATABASE_URL')).toBe(stack.db.url);
    // The parsed value of the object, not the string process.env holds.
    expect(config.get('RULES_REFRESH_MS')).toBe(0);
    expect(config.get('LIANJIAN_ONLY_IN_PROCESS_ENV')).toBeUndefined();
  });

  it('serves each app its own schema’s values', () => {
    expect(stack.api.get(ConfigService).get('LOGIN_MAX_FAILURES')).toBe(7);
    expect(stack.worker.get(ConfigService).get('WORKER_QUEUES')).toEqual(['ingest']);
    // The worker's schema has no LOGIN_MAX_FAILURES: what the stack gave is not passed through.
    expect(stack.worker.get(ConfigService).get('LOGIN_MAX_FAILURES')).toBeUndefined();
  });

  it('writes nothing to process.env', () => {
    expect(process.env).toEqual(envBefore);
    expect(process.env.QUEUE_PREFIX).toBeUndefined();
  });
});
