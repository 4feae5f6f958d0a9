import {
  Global,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { METRICS, type LogLevelName } from '@lianjian/common';
import { ALL_QUEUES, JobQueue } from '@lianjian/queue';
import { loggerModule } from './logging';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { PromMetrics, type AppName } from './prom-metrics';

// Starts the process's metrics listener when METRICS_PORT is set (see observability-env.ts) and
// reports the depth of every queue at each scrape.
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Metrics');
  private server: MetricsServer | undefined;

  constructor(
    private readonly metrics: PromMetrics,
    private readonly config: ConfigService,
    jobs: JobQueue,
  ) {
    for (const name of ALL_QUEUES) metrics.watchQueue(name, jobs.queue(name));
  }

  // http://host:port/metrics, once listening (undefined without METRICS_PORT).
  get url(): string | undefined {
    return this.server?.url;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get<number>('METRICS_PORT');
    if (port === undefined) return;
    const token = this.config.get<string>('METRICS_TOKEN');
    this.server = await startMetricsServer({
      registry: this.metrics.registry,
      host: this.config.getOrThrow<string>('METRICS_HOST'),
      port,
      token,
    });
    this.log.log(`metrics at ${this.server.url}${token ? ' (bearer token required)' : ''}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

// Metrics (Prometheus) and structured logs (pino) of one process: the api or a worker. Global: the
// libraries' counting points get PromMetrics through the METRICS token of @lianjian/common.
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(app: AppName, env: { LOG_LEVEL?: LogLevelName; NODE_ENV?: string }): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [loggerModule(app, env)],
      providers: [
        { provide: PromMetrics, useFactory: () => new PromMetrics(app) },
        { provide: METRICS, useExisting: PromMetrics },
        MetricsEndpoint,
      ],
      exports: [PromMetrics, METRICS, MetricsEndpoint],
    };
  }
}
