import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { logLevels, parseEnv } from '@lianjian/common';
import { WorkerModule } from './worker.module';
import { workerEnvSchema } from './worker-env';

export async function createWorker(
  env: Record<string, string | undefined> = process.env,
): Promise<INestApplicationContext> {
  const cfg = parseEnv(workerEnvSchema, env);
  const app = await NestFactory.createApplicationContext(WorkerModule.register(cfg.WORKER_QUEUES), {
    logger: logLevels(cfg.NODE_ENV === 'test' ? 'warn' : cfg.LOG_LEVEL),
  });
  return app;
}
