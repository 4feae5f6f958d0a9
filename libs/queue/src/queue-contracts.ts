// Typed queue contracts: producers and processors both use these. Queue and job names are stored in
// Redis with every job: never rename one (jobs of the old name would be stranded); add new ones.

export enum QueueName {
  Ingest = 'ingest',
  Scoring = 'scoring',
  Rules = 'rules',
  Delivery = 'delivery',
  // Rule backtests (规则回测): long reads over history, kept apart so they never hold up alerts.
  Backtest = 'backtest',
}

export enum JobName {
  // Apply a staged ingest batch to the records (idempotent per batch).
  IngestBatch = 'ingest-batch',
  // Read, map and apply a stored departmental file as one batch.
  IngestFile = 'ingest-file',
  // Re-profile and re-score one entity (debounced per entity).
  ScoreEntity = 'score-entity',
  // Re-score every entity a batch touched, in chunks: one job per batch, however many entities.
  ScoreBatch = 'score-batch',
  // Score a contiguous range of entity ids (full runs fan out into these).
  ScoreChunk = 'score-chunk',
  // Start a full scoring run (全量评分): nightly by the job scheduler, or on request.
  StartScoreRun = 'start-score-run',
  // Evaluate record-triggered rules over the records a batch changed.
  EvaluateBatch = 'evaluate-batch',
  // (evaluate-score-change, retired: nothing has queued it since EvaluateScores replaced it on
  // 2026-11-23. Never reuse the name.)
  // Evaluate class_change and score_crosses rules over the scores one save changed.
  EvaluateScores = 'evaluate-scores',
  // The scheduled look at every feed's health: stalled or empty feeds raise feed_health alerts.
  CheckFeeds = 'check-feeds',
  // The scheduled look at deliveries nobody acknowledged within their SLA (delivery_overdue rules).
  CheckEscalations = 'check-escalations',
  // One attempt to POST a webhook delivery (job id deliver-<deliveryId>-<attempt>).
  DeliverWebhook = 'deliver-webhook',
  // The scheduled look at joint-enforcement case tasks past their due date (case_overdue rules).
  CheckOverdueCases = 'check-overdue-cases',
  // The scheduled look at random inspection results unpublished past their deadline (一公开,
  // publication_overdue rules).
  CheckOverduePublications = 'check-overdue-publications',
  // Replay a rule version over a past period within a jurisdiction (job id = the backtest id); the
  // result is the job's return value, kept BACKTEST_RESULT_TTL_SECONDS.
  BacktestRule = 'backtest-rule',
  // The scheduled retention of stored upload files (FILE_RETENTION_CRON): files older than
  // INGEST_RETENTION_DAYS are removed, their batches kept.
  PurgeFiles = 'purge-files',
  // The scheduled retention of score history (SCORE_RETENTION_CRON): score rows older than
  // SCORE_HISTORY_RETENTION_MONTHS are removed, class changes and current scores kept.
  PurgeScoreHistory = 'purge-score-history',
  // Start a shadow run (影子评分): a candidate model scores every entity, its scores kept apart
  // (shadow_score) to compare its class flows with the active model's. Names of their own, so a
  // worker that does not know shadow runs fails these jobs instead of scoring for real.
  StartShadowRun = 'start-shadow-run',
  // Score a contiguous range of entity ids of a shadow run into shadow_score.
  ScoreShadowChunk = 'score-shadow-chunk',
}

// Besides its payload, any job may carry the id of the request that caused it (JobQueue adds it).
export interface JobMeta {
  requestId?: string;
}

export type ScoreTrigger = 'record' | 'full-run' | 'manual';
export type ScoreRunTrigger = 'nightly' | 'manual';

export interface JobPayloads {
  [JobName.IngestBatch]: { batchId: string };
  [JobName.IngestFile]: { batchId: string };
  [JobName.ScoreEntity]: { entityId: string; trigger: ScoreTrigger };
  [JobName.ScoreBatch]: { batchId: string };
  [JobName.ScoreChunk]: { runId: string; chunkNo: number; fromId: string; toId: string };
  // runId: given by a request; a scheduler tick has none and derives it from its job id. asOf: the
  // run's date when not today (YYYY-MM-DD; never sent by the api: bench:score's next-night run).
  [JobName.StartScoreRun]: { trigger: ScoreRunTrigger; runId?: string; asOf?: string };
  // shadowModel: the candidate model version (never the active one: the api refuses that).
  [JobName.StartShadowRun]: { runId: string; shadowModel: string; asOf?: string };
  [JobName.ScoreShadowChunk]: { runId: string; chunkNo: number; fromId: string; toId: string };
  [JobName.EvaluateBatch]: { batchId: string };
  // [scoreId, entityId, previousClass, riskClass, previousScore, score] per changed score
  [JobName.EvaluateScores]: { scores: [string, string, string, string, number, number][] };
  [JobName.CheckFeeds]: Record<string, never>;
  [JobName.CheckEscalations]: Record<string, never>;
  [JobName.DeliverWebhook]: { deliveryId: string; attempt: number };
  [JobName.CheckOverdueCases]: Record<string, never>;
  [JobName.CheckOverduePublications]: Record<string, never>;
  [JobName.PurgeFiles]: Record<string, never>;
  [JobName.PurgeScoreHistory]: Record<string, never>;
  [JobName.BacktestRule]: {
    // The version as validated by the api (the worker validates it again).
    rule: { id: string; version: number; status: string; definition: unknown };
    period: { from: string; to: string };
    // The caller's jurisdiction: a region-code prefix ('' = national).
    regionPrefix: string;
    // Who asked (only they read the result).
    requestedBy: string;
  };
}

export const QUEUE_OF_JOB: { [J in JobName]: QueueName } = {
  [JobName.IngestBatch]: QueueName.Ingest,
  [JobName.IngestFile]: QueueName.Ingest,
  [JobName.ScoreEntity]: QueueName.Scoring,
  [JobName.ScoreBatch]: QueueName.Scoring,
  [JobName.ScoreChunk]: QueueName.Scoring,
  [JobName.StartScoreRun]: QueueName.Scoring,
  [JobName.EvaluateBatch]: QueueName.Rules,
  [JobName.EvaluateScores]: QueueName.Rules,
  [JobName.CheckFeeds]: QueueName.Rules,
  [JobName.CheckEscalations]: QueueName.Rules,
  [JobName.DeliverWebhook]: QueueName.Delivery,
  [JobName.CheckOverdueCases]: QueueName.Rules,
  [JobName.CheckOverduePublications]: QueueName.Rules,
  [JobName.BacktestRule]: QueueName.Backtest,
  [JobName.PurgeFiles]: QueueName.Ingest,
  [JobName.PurgeScoreHistory]: QueueName.Scoring,
  [JobName.StartShadowRun]: QueueName.Scoring,
  [JobName.ScoreShadowChunk]: QueueName.Scoring,
};

export type JobOf<J extends JobName> = { name: J; data: JobPayloads[J] };
export type AnyJob = { [J in JobName]: JobOf<J> }[JobName];

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

export function parseQueueList(value: string): QueueName[] {
  if (value.trim() === '' || value.trim() === '*') return ALL_QUEUES;
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(ALL_QUEUES as string[]).includes(n));
  if (unknown.length)
    throw new Error(`unknown queue(s) ${unknown.join(', ')}; known: ${ALL_QUEUES.join(', ')}`);
  return names as QueueName[];
}
