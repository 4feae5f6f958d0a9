import { Logger } from '@nestjs/common';
import { EnvValidationError, exitOnSignals, parseEnv } from '@lianjian/common';
import { createWorker } from './bootstrap';
import { workerEnvSchema } from './worker-env';

async function main(): Promise<void> {
  const cfg = parseEnv(workerEnvSchema, process.env);
  const app = await createWorker(cfg);
  exitOnSignals(app, (m) => new Logger('worker').log(m));
  new Logger('worker').log(`serving queues ${cfg.WORKER_QUEUES.join(', ')} (prefix ${cfg.QUEUE_PREFIX})`);
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvValidationError ? e.message : e);
  process.exit(1);
});
