import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';
import { workerEnvSchema, type WorkerEnv } from './worker-env';

// Builds a worker from its validated configuration (main.ts parses the environment; tests give
// theirs), which is all the worker's ConfigService serves; it serves the queues cfg.WORKER_QUEUES names.
export async function createWorker(cfg: WorkerEnv): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.register(cfg), {
    // Nest's own lines wait for the JSON logger (LOG_LEVEL; warn under NODE_ENV=test unless set).
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  return app;
}

// The worker as a test stack starts it (startStack of @lianjian/testing): the schema its variables
// are validated by, and the factory given the result.
export const workerApp = { envSchema: workerEnvSchema, create: createWorker };
