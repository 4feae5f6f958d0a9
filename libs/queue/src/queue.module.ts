import { Global, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { ConfigService } from '@nestjs/config';
import { ALL_QUEUES } from './queue-contracts';
import { QUEUE_JOB_OPTIONS } from './job-options';
import { JobQueue } from './job-queue.service';

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        connection: { url: config.getOrThrow<string>('REDIS_URL'), maxRetriesPerRequest: null },
        prefix: config.getOrThrow<string>('QUEUE_PREFIX'),
      }),
    }),
    BullModule.registerQueue(
      ...ALL_QUEUES.map((name) => ({ name, defaultJobOptions: QUEUE_JOB_OPTIONS[name] })),
    ),
  ],
  providers: [JobQueue],
  exports: [JobQueue, BullModule],
})
export class QueueModule {}
