import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DatabaseModule } from '@lianjian/database';
import { QueueModule, QueueName } from '@lianjian/queue';
import { IngestionModule } from '@lianjian/ingestion';
import { ScoringModels, ScoringService } from '@lianjian/scoring';
import { ALERTING_PROVIDERS } from '@lianjian/rules';
import { DeliveryModule, OutboxRelay, WebhookDeliverer } from '@lianjian/delivery';
import type { WorkerEnv } from './worker-env';
import { IngestProcessor } from './processors/ingest.processor';
import { ScoringProcessor } from './processors/scoring.processor';
import { RulesProcessor } from './processors/rules.processor';
import { DeliveryProcessor } from './processors/delivery.processor';
import { BatchSweeper } from './batch-sweeper';
import { RunSweeper } from './run-sweeper';
import { FeedCheck } from './feed-check';
import { RuleSchedules } from './rule-schedules';
import { NightlyScoring } from './nightly-scoring';

const PROCESSORS: Record<QueueName, Provider[]> = {
  [QueueName.Ingest]: [IngestProcessor, BatchSweeper],
  [QueueName.Scoring]: [ScoringProcessor, NightlyScoring, RunSweeper],
  [QueueName.Rules]: [RulesProcessor, FeedCheck, RuleSchedules],
  [QueueName.Delivery]: [DeliveryProcessor, WebhookDeliverer, OutboxRelay],
};

// A worker serves the queues it is told to (WORKER_QUEUES); any number of them, on any machine,
// share the work through Redis.
@Module({})
export class WorkerModule {
  // ConfigService serves the configuration createWorker was given (validated from the environment by
  // main.ts, or a test's own): nothing is read from process.env, and nothing is written to it.
  static register(config: WorkerEnv): DynamicModule {
    const queues = config.WORKER_QUEUES;
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          load: [() => config],
        }),
        DatabaseModule,
        QueueModule,
        IngestionModule,
        DeliveryModule,
      ],
      providers: [
        ScoringService,
        ScoringModels,
        ...ALERTING_PROVIDERS,
        ...queues.flatMap((q) => PROCESSORS[q]),
      ],
    };
  }
}
