import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { parseEnv } from '@lianjian/common';
import { WorkerModule } from './worker.module';
import { workerEnvSchema } from './worker-env';

export async function createWorker(env: Record<string, string | undefined> = process.env): Promise<INestApplicationContext> {
  const cfg = parseEnv(workerEnvSchema, env);
  const app = await NestFactory.createApplicationContext(WorkerModule.register(cfg.WORKER_QUEUES), {
    logger: cfg.NODE_ENV === 'test' ? ['error', 'warn'] : undefined,
  });
  return app;
}
