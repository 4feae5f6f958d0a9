import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { DatabaseModule } from '@lianjian/database';
import { QueueModule } from '@lianjian/queue';
import { ObservabilityModule } from '@lianjian/observability';
import type { ApiEnv } from './api-env';
import { HttpErrorFilter } from './common/http-error.filter';
import { SafeParamsPipe } from './common/safe-params.pipe';
import { AccessGuard } from './auth/access.guard';
import { AccessCache } from './auth/access-cache';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { AuditGuard, AuditInterceptor } from './common/audit-trail';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BatchesModule } from './batches/batches.module';
import { CasesModule } from './cases/cases.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { CreditRepairModule } from './credit-repair/credit-repair.module';
import { PlanningModule } from './planning/planning.module';
import { DepartmentsModule } from './departments/departments.module';
import { EntitiesModule } from './entities/entities.module';
import { HealthModule } from './health/health.module';
import { RecordsModule } from './records/records.module';
import { ReferenceModule } from './reference/reference.module';
import { RiskListModule } from './risk-list/risk-list.module';
import { RulesModule } from './rules/rules.module';
import { ScoreRunsModule } from './score-runs/score-runs.module';
import { ScoringModelsModule } from './scoring-models/scoring-models.module';
import { SourcesModule } from './sources/sources.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
import { InspectorsModule } from './inspectors/inspectors.module';

// The API is one module per feature (<feature>/{dto, controller, service, module}); this module only
// assembles them with the database, the queue, the error filter and the guard every route passes.
@Module({
  imports: [
    DatabaseModule,
    QueueModule,
    HealthModule,
    AuthModule,
    RecordsModule,
    BatchesModule,
    SourcesModule,
    EntitiesModule,
    RiskListModule,
    ReferenceModule,
    ScoringModelsModule,
    ScoreRunsModule,
    RulesModule,
    AlertsModule,
    DepartmentsModule,
    CasesModule,
    DashboardModule,
    CreditRepairModule,
    PlanningModule,
    InspectorsModule,
    AuditModule,
    RateLimitModule,
    QueueDashboardModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    // Whom tokens and API keys stand for, for ACCESS_CACHE_SECONDS (the access guard's cache).
    AccessCache,
    // Rate limits first (RATE_LIMIT_*): a flood is turned away before any token lookup, and its 429s
    // are counted in the metrics, not appended to the audit log (which a flood would otherwise fill).
    { provide: APP_GUARD, useClass: RateLimitGuard },
    // What is audited is read from the route, before the access guard can refuse it: see
    // common/audit-trail.ts.
    { provide: APP_GUARD, useClass: AuditGuard },
    // Every route is authenticated and authorised (deny by default): see auth/access.guard.ts.
    { provide: APP_GUARD, useClass: AccessGuard },
    // An audited write and its entry in one transaction; an audited read answered once its entry is stored.
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
    // Path parameters are text from outside too: NUL, control characters… refused (400).
    { provide: APP_PIPE, useClass: SafeParamsPipe },
  ],
})
export class AppModule {
  // ConfigService serves the configuration createApiApp was given (validated from the environment by
  // main.ts, or a test's own): nothing is read from process.env, and nothing is written to it.
  static forRoot(config: ApiEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          load: [() => config],
        }),
        // Metrics (METRICS_PORT) and JSON logs with request ids.
        ObservabilityModule.forRoot('api', config),
      ],
    };
  }
}
