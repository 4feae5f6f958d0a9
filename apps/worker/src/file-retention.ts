import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { schedule } from './schedule';

// Stored upload files are kept INGEST_RETENTION_DAYS (issue 13, finding 10): the ingest queue's
// purge-files job, on a BullMQ job scheduler (FILE_RETENTION_CRON in SCHEDULES_TZ: one purge per tick
// however many workers run), removes older ones (FileIngestionService.purgeExpired).
@Injectable()
export class FileRetention implements OnApplicationBootstrap {
  private readonly log = new Logger(FileRetention.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await schedule(
      this.jobs.queue(QueueName.Ingest),
      JobName.PurgeFiles,
      this.config.getOrThrow<string>('FILE_RETENTION_CRON'),
      this.config.getOrThrow<string>('SCHEDULES_TZ'),
      { name: JobName.PurgeFiles, data: {} },
      this.log,
    );
  }
}
