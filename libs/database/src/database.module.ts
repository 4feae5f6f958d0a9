import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { withAmbientTransactions } from './ambient-transaction';
import { AuditChainer } from './audit/audit-chainer';
import { DepartmentRepository } from './repositories/department.repository';
import { EntityRepository } from './repositories/entity.repository';
import { RecordRepository } from './repositories/record.repository';
import { BatchRepository } from './repositories/batch.repository';
import { ScoreRepository } from './repositories/score.repository';
import { ScoreRunRepository } from './repositories/score-run.repository';
import { ShadowScoreRepository } from './repositories/shadow-score.repository';
import { ScoringModelRepository } from './repositories/scoring-model.repository';
import { AlertRepository } from './repositories/alert.repository';
import { AlertLifecycleRepository } from './repositories/alert-lifecycle.repository';
import { AuditRepository } from './audit/audit.repository';
import { RuleRepository } from './repositories/rule.repository';
import { FileBatchRepository } from './repositories/file-batch.repository';
import { SourceHealthRepository } from './repositories/source-health.repository';
import { AccessRepository } from './repositories/access.repository';
import { CreditRepairRepository } from './repositories/credit-repair.repository';
import { CaseRepository } from './repositories/case.repository';
import { DashboardRepository } from './repositories/dashboard.repository';
import { PlanningRepository } from './repositories/planning.repository';
import { InspectorRepository } from './repositories/inspector.repository';

const repositories = [
  DepartmentRepository,
  EntityRepository,
  RecordRepository,
  BatchRepository,
  ScoreRepository,
  ScoreRunRepository,
  ShadowScoreRepository,
  ScoringModelRepository,
  AlertRepository,
  AlertLifecycleRepository,
  AuditRepository,
  RuleRepository,
  FileBatchRepository,
  SourceHealthRepository,
  AccessRepository,
  CreditRepairRepository,
  CaseRepository,
  DashboardRepository,
  PlanningRepository,
  InspectorRepository,
];

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        dataSourceOptions(
          config.getOrThrow<string>('DATABASE_URL'),
          config.getOrThrow<number>('DATABASE_POOL_SIZE'),
        ),
      // Repositories' statements join a request transaction when one is open (ambient-transaction.ts).
      dataSourceFactory: async (options) =>
        withAmbientTransactions(await new DataSource(options!).initialize()),
    }),
  ],
  providers: [...repositories, AuditChainer],
  exports: repositories,
})
export class DatabaseModule {}
