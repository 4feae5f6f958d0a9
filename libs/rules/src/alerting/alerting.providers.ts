import type { Provider } from '@nestjs/common';
import { CaseOpener } from '@lianjian/cases';
import { AlertingConfig } from './alerting-config';
import { AlertRaiser } from './alert-raiser';
import { CaseAutoOpen } from './case-auto-open';
import { EntityScopeLoader } from './entity-scope';
import { RuleSetProvider } from './rule-set.provider';
import { CaseOverdueTrigger } from './triggers/case-overdue.trigger';
import { DeliveryOverdueTrigger } from './triggers/delivery-overdue.trigger';
import { FeedHealthTrigger } from './triggers/feed-health.trigger';
import { PublicationOverdueTrigger } from './triggers/publication-overdue.trigger';
import { RecordTrigger } from './triggers/record.trigger';
import { ScoreTrigger } from './triggers/score.trigger';

// One evaluator per rule trigger type; a new trigger is a file in triggers/ and a line here.
export const ALERT_TRIGGERS = [
  RecordTrigger,
  ScoreTrigger,
  FeedHealthTrigger,
  DeliveryOverdueTrigger,
  CaseOverdueTrigger,
  PublicationOverdueTrigger,
] as const;

// What a process that raises alerts provides (the worker serving the rules queue).
export const ALERTING_PROVIDERS: Provider[] = [
  AlertingConfig,
  RuleSetProvider,
  EntityScopeLoader,
  CaseOpener,
  CaseAutoOpen,
  AlertRaiser,
  ...ALERT_TRIGGERS,
];
