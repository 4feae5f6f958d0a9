export * from './queue-contracts';
export * from './job-options';
export * from './job-queue.service';
export * from './queue.module';
