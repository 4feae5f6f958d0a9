import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '@nestjs/config';
import { DatabaseModule } from '@lianjian/database';
import { QueueModule } from '@lianjian/queue';
import { IngestionModule } from '@lianjian/ingestion';
import type { ApiEnv } from './api-env';
import { HttpErrorFilter } from './common/http-error.filter';
import { HealthModule } from './health/health.module';
import { RecordsController } from './records/records.controller';
import { BatchesController } from './batches/batches.controller';
import { EntitiesController } from './entities/entities.controller';
import { EntitiesService } from './entities/entities.service';
import { RiskListController } from './risk-list/risk-list.controller';
import { AlertsController } from './alerts/alerts.controller';
import { DepartmentsController } from './departments/departments.controller';
import { DepartmentWebhooksController } from './departments/department-webhooks.controller';
import { SourcesController } from './sources/sources.controller';
import { ScoreRunsController } from './score-runs/score-runs.controller';
import { ScoringModelsController } from './scoring-models/scoring-models.controller';
import { ScoringModels } from '@lianjian/scoring';
import { DeliveryModule } from '@lianjian/delivery';
import { RuleBacktestService } from '@lianjian/rules';
import { RulesController } from './rules/rules.controller';
import { AlertActionsController } from './alerts/alert-actions.controller';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { AccountsController } from './auth/accounts.controller';
import { AccessGuard } from './auth/access.guard';
import { LoginLimiter } from './auth/login-limiter';
import { AlertAccess } from './alerts/alert-access';
import { CreditRepairController } from './credit-repair/credit-repair.controller';
import { CreditRepairService } from './credit-repair/credit-repair.service';
import { CasesController } from './cases/cases.controller';
import { CaseTasksController } from './cases/case-tasks.controller';
import { CasesService } from './cases/cases.service';
import { CaseOpener } from '@lianjian/cases';

@Module({
  imports: [DatabaseModule, QueueModule, IngestionModule, HealthModule, DeliveryModule],
  controllers: [
    RecordsController,
    BatchesController,
    EntitiesController,
    RiskListController,
    AlertsController,
    DepartmentsController,
    DepartmentWebhooksController,
    SourcesController,
    ScoreRunsController,
    ScoringModelsController,
    RulesController,
    AlertActionsController,
    AuditController,
    AuthController,
    AccountsController,
    CreditRepairController,
    CasesController,
    CaseTasksController,
  ],
  // ScoringModels registers config/scoring on start, so the models are listed before any worker ran.
  providers: [
    EntitiesService,
    ScoringModels,
    RuleBacktestService,
    LoginLimiter,
    AlertAccess,
    CreditRepairService,
    CasesService,
    CaseOpener,
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    // Every route is authenticated and authorised (deny by default): see auth/access.guard.ts.
    { provide: APP_GUARD, useClass: AccessGuard },
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
      ],
    };
  }
}
