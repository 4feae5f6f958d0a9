import { randomBytes } from 'node:crypto';
import { startStack, type Stack } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Webhook signing secrets are encrypted with WEBHOOK_SECRETS_KEY. Left unset, NODE_ENV is
// development, and a key written in the sources would encrypt real departments' secrets: only test
// runs go without a key; the api and the worker refuse to start otherwise.
describe('webhook secrets key: required everywhere but test runs', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ departments: false });
  });

  afterAll(() => stack?.close());

  const key = () => randomBytes(32).toString('base64');
  const quiet = { FEED_CHECK_CRON: '', SCORING_CRON: '', ESCALATION_CRON: '', CASE_OVERDUE_CRON: '' };
  const refusal = /WEBHOOK_SECRETS_KEY: required \(NODE_ENV=(development|production);/;

  it('api: refuses to start in development or production without the key, starts with one', async () => {
    for (const NODE_ENV of ['development', 'production'])
      await expect((async () => stack.start(apiApp, { NODE_ENV }))()).rejects.toThrow(refusal);
    await (await stack.start(apiApp, { NODE_ENV: 'development', WEBHOOK_SECRETS_KEY: key() })).close();
  });

  it('worker: refuses to start in development or production without the key, starts with one', async () => {
    for (const NODE_ENV of ['development', 'production'])
      await expect((async () => stack.start(workerApp, { NODE_ENV, ...quiet }))()).rejects.toThrow(refusal);
    const env = { NODE_ENV: 'development', WEBHOOK_SECRETS_KEY: key(), WORKER_QUEUES: 'delivery', ...quiet };
    await (await stack.start(workerApp, env)).close();
  });
});
