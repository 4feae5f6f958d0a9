import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { DatabaseModule } from '@lianjian/database';
import { QueueModule, QueueName } from '@lianjian/queue';
import { ObservabilityModule } from '@lianjian/observability';
import { IngestionModule } from '@lianjian/ingestion';
import { ScoringModels, ScoringService } from '@lianjian/scoring';
import { ALERTING_PROVIDERS, RuleBacktestService } from '@lianjian/rules';
import { DeliveryModule, OutboxRelay, WebhookDeliverer } from '@lianjian/delivery';
import type { WorkerEnv } from './worker-env';
import { IngestProcessor } from './processors/ingest.processor';
import { ScoringProcessor } from './processors/scoring.processor';
import { RulesProcessor } from './processors/rules.processor';
import { DeliveryProcessor } from './processors/delivery.processor';
import { BacktestProcessor } from './processors/backtest.processor';
import { BatchSweeper } from './batch-sweeper';
import { RunSweeper } from './run-sweeper';
import { FeedCheck } from './feed-check';
import { FileRetention } from './file-retention';
import { RuleSchedules } from './rule-schedules';
import { NightlyScoring } from './nightly-scoring';
import { ScoreRetention } from './score-retention';
import { JobRunner } from './processors/job-runner';

const PROCESSORS: Record<QueueName, Provider[]> = {
  [QueueName.Ingest]: [IngestProcessor, BatchSweeper, FileRetention],
  [QueueName.Scoring]: [ScoringProcessor, NightlyScoring, RunSweeper, ScoreRetention],
  [QueueName.Rules]: [RulesProcessor, FeedCheck, RuleSchedules],
  [QueueName.Delivery]: [DeliveryProcessor, WebhookDeliverer, OutboxRelay],
  [QueueName.Backtest]: [BacktestProcessor, RuleBacktestService],
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
        // Metrics (METRICS_PORT) and JSON logs; each job's lines carry its request id.
        ObservabilityModule.forRoot('worker', config),
      ],
      providers: [
        ScoringService,
        ScoringModels,
        ...ALERTING_PROVIDERS,
        JobRunner,
        ...queues.flatMap((q) => PROCESSORS[q]),
      ],
    };
  }
}
