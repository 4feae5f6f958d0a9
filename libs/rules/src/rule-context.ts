import type { EntitySnapshot, StoredRecord } from '@lianjian/domain';

// A score change as the nightly job reports it to class_change rules.
export interface ScoreChange {
  previousClass?: string | null; // null or absent: the entity's first score
  riskClass: string;
  score: number;
  previousScore?: number | null;
}

// A department feed's health as the scheduled feed check reports it to feed_health rules.
export interface FeedSnapshot {
  source: string;
  status: string; // FeedStatus
  departmentCode: string | null; // the department that sends the feed (its source profile's)
  silentHours: number | null; // since the last batch
  lastBatchRows: number | null;
  usualRowsPerBatch: number | null;
  rejectionRate7d: number | null;
  message: { zh: string; en: string };
}

// A delivery nobody acknowledged within its SLA, as the scheduled escalation check reports it to
// delivery_overdue rules (which route the escalation to the coordinator).
export interface OverdueDelivery {
  alertId: string;
  departmentCode: string;
  departmentRegion: string; // where the late department sits: routes escalations of feed alerts
  alertSeverity: string;
  alertFinding: string;
  alertRuleId: string;
  slaHours: number;
  hoursOverdue: number; // past the SLA
  deliveredAt: string | null; // ISO date-time; null when the webhook never delivered
}

// A joint-enforcement case task past its due date, as the scheduled case check reports it to
// case_overdue rules: first as a reminder (催办), then, still late after the case type's grace period,
// as an escalation (督办).
export interface OverdueCaseTask {
  caseId: string;
  caseType: string;
  caseState: string;
  caseTitle: string;
  departmentCode: string; // the late department
  departmentRegion: string;
  leadDepartment: string;
  taskState: string; // pending or accepted
  stage: 'reminder' | 'escalation';
  dueAt: string; // ISO date-time
  daysOverdue: number; // whole days past the due date
}

// 一公开: a random inspection's result not published by its deadline (20 working days after the
// inspection), as the scheduled publication check reports it to publication_overdue rules, once.
export interface OverduePublication {
  planId: string;
  planTitle: string;
  taskId: string;
  taskNo: number;
  departmentCodes: string[]; // the departments whose items the task covered: they publish
  inspectedOn: string; // YYYY-MM-DD
  publishDue: string; // YYYY-MM-DD, the last day
  workingDaysOverdue: number;
  result: string;
}

// Everything a rule may look at when it is evaluated: an entity (with a record or a score change), or
// a feed.
export interface RuleEvaluationContext {
  record?: StoredRecord;
  entity?: EntitySnapshot;
  feed?: FeedSnapshot;
  overdue?: OverdueDelivery;
  caseTask?: OverdueCaseTask;
  publication?: OverduePublication;
  profile?: Record<string, number>;
  score?: ScoreChange;
  // The entity's records known at evaluation time (the triggering record included), for history.*
  // fields: counts in windows across departments. Loaded only when a rule names such a field.
  history?: readonly StoredRecord[];
  now: string; // YYYY-MM-DD, the evaluation date (entity.ageDays is counted to it)
}
