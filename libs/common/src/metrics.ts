// What the product counts for operators (Prometheus, at the metrics listener of the api and the
// worker). Libraries count through this port and never import a metrics client: the application
// binds the implementation (@lianjian/observability) to the METRICS token; without one (CLI, tests
// that build a service by hand) nothing is counted.
export const METRICS = 'lianjian:metrics';

export type IngestChannel = 'api' | 'file';

export interface Metrics {
  // Records (or file rows) received: accepted for applying, and refused with a reason.
  recordsReceived(channel: IngestChannel, accepted: number, refused: number): void;
  // What applying a batch did to the stored records.
  recordsApplied(counts: { inserted: number; updated: number; unchanged: number }): void;
  scoresWritten(count: number): void;
  alertsRaised(count: number): void;
  // One webhook attempt's outcome: delivered, failed (retried) or dead.
  deliveryAttempt(outcome: string): void;
  // One audit entry appended (result ok / denied / error).
  auditAppended(result: string): void;
}

export const NO_METRICS: Metrics = {
  recordsReceived: () => undefined,
  recordsApplied: () => undefined,
  scoresWritten: () => undefined,
  alertsRaised: () => undefined,
  deliveryAttempt: () => undefined,
  auditAppended: () => undefined,
};
