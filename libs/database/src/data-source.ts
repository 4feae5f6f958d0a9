import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { DomainModelV11763800000000 } from './migrations/1763800000000-domain-model-v1';
import { FileIngestion1763900000000 } from './migrations/1763900000000-file-ingestion';
import { FeedAlerts1764000000000 } from './migrations/1764000000000-feed-alerts';
import { ScoreRuns1764100000000 } from './migrations/1764100000000-score-runs';
import { ScoringModels1764200000000 } from './migrations/1764200000000-scoring-models';
import { RunFlagSnapshot1764300000000 } from './migrations/1764300000000-run-flag-snapshot';
import { ScoreJsonDocuments1764400000000 } from './migrations/1764400000000-score-json-documents';
import { WebhookDelivery1764600000000 } from './migrations/1764600000000-webhook-delivery';
import { AuditLog1764700000000 } from './migrations/1764700000000-audit-log';
import { AccessControl1764800000000 } from './migrations/1764800000000-access-control';
import { Cases1764900000000 } from './migrations/1764900000000-cases';
import { RuleLifecycle1764500000000 } from './migrations/1764500000000-rule-lifecycle';
import { CreditRepair1765000000000 } from './migrations/1765000000000-credit-repair';
import { ConvergeEditedMigrations1765100000000 } from './migrations/1765100000000-converge-edited-migrations';
import { SourceBinding1765200000000 } from './migrations/1765200000000-source-binding';
import { TokenLastUse1765300000000 } from './migrations/1765300000000-token-last-use';
import { RuleRetireFourEyes1765400000000 } from './migrations/1765400000000-rule-retire-four-eyes';
import { AdminSeparation1765500000000 } from './migrations/1765500000000-admin-separation';
import { AuditOutbox1765600000000 } from './migrations/1765600000000-audit-outbox';
import { RiskListIndexes1765900000000 } from './migrations/1765900000000-risk-list-indexes';
import { AccessChangeNotify1765910000000 } from './migrations/1765910000000-access-change-notify';
import { FileQuotaRetention1766000000000 } from './migrations/1766000000000-file-quota-retention';
import { ScoreRunSkipped1766100000000 } from './migrations/1766100000000-score-run-skipped';
import { TotpEnrolmentCode1766110000000 } from './migrations/1766110000000-totp-enrolment-code';
import { DeliveryRequestId1766120000000 } from './migrations/1766120000000-delivery-request-id';
import { InboxIndex1766200000000 } from './migrations/1766200000000-inbox-index';
import { ScoreRunMovesIndex1766320000000 } from './migrations/1766320000000-score-run-moves-index';
import { ScoreHistoryRetention1766400000000 } from './migrations/1766400000000-score-history-retention';
import { RiskRankClassPolicy1766410000000 } from './migrations/1766410000000-risk-rank-class-policy';
import { ShadowRuns1766500000000 } from './migrations/1766500000000-shadow-runs';
import { InspectionPlanning1766600000000 } from './migrations/1766600000000-inspection-planning';
import { PlanPopulationStatementCheck1766700000000 } from './migrations/1766700000000-plan-population-statement-check';

// Migrations are listed explicitly (no globs) so the same list works from TypeScript in tests and
// from the compiled build.
export const MIGRATIONS = [
  DomainModelV11763800000000,
  FileIngestion1763900000000,
  FeedAlerts1764000000000,
  ScoreRuns1764100000000,
  ScoringModels1764200000000,
  RunFlagSnapshot1764300000000,
  ScoreJsonDocuments1764400000000,
  RuleLifecycle1764500000000,
  WebhookDelivery1764600000000,
  AuditLog1764700000000,
  AccessControl1764800000000,
  Cases1764900000000,
  CreditRepair1765000000000,
  ConvergeEditedMigrations1765100000000,
  SourceBinding1765200000000,
  TokenLastUse1765300000000,
  RuleRetireFourEyes1765400000000,
  AdminSeparation1765500000000,
  AuditOutbox1765600000000,
  RiskListIndexes1765900000000,
  AccessChangeNotify1765910000000,
  FileQuotaRetention1766000000000,
  ScoreRunSkipped1766100000000,
  TotpEnrolmentCode1766110000000,
  DeliveryRequestId1766120000000,
  InboxIndex1766200000000,
  ScoreRunMovesIndex1766320000000,
  ScoreHistoryRetention1766400000000,
  RiskRankClassPolicy1766410000000,
  ShadowRuns1766500000000,
  InspectionPlanning1766600000000,
  PlanPopulationStatementCheck1766700000000,
];

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    // The driver is passed explicitly rather than found by TypeORM's dynamic require, which Jest's ESM
    // sandbox cannot serve.
    driver: pg,
    url,
    // The schema comes from migrations only.
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    entities: [],
    extra: { max: poolSize, application_name: 'lianjian' },
  };
}

export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}

export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource(url, 2);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
