import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout, type IngestChannel, type Metrics } from '@lianjian/common';

export type AppName = 'api' | 'worker';

// Seconds: from a cached read (a few ms) to a large upload or a full chunk of a scoring run.
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
// Job states that make up a queue's depth (and the failed ones kept for inspection).
const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

// The Prometheus metrics of one process (its own registry, so an api and a worker in one test
// process never mix). Label values come from fixed sets only: route templates, never raw paths;
// queue and job names; outcomes.
@Injectable()
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly queues = new Map<string, Queue>();

  private readonly httpRequests = new Counter({
    name: 'lianjian_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'lianjian_http_request_duration_seconds',
    help: 'HTTP request latency, from the first byte read to the last byte written',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly jobDuration = new Histogram({
    name: 'lianjian_job_duration_seconds',
    help: 'Time a worker spent on one job attempt, by queue, job name and outcome (completed, failed)',
    labelNames: ['queue', 'job', 'outcome'],
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  private readonly jobFailures = new Counter({
    name: 'lianjian_job_failures_total',
    help: 'Job attempts that threw (BullMQ retries them while attempts remain)',
    labelNames: ['queue', 'job'],
    registers: [this.registry],
  });
  private readonly received = new Counter({
    name: 'lianjian_records_received_total',
    help: 'Records (api) and file rows (file) received: accepted for applying, or refused with a reason',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });
  private readonly applied = new Counter({
    name: 'lianjian_records_applied_total',
    help: 'Records applied to the store, by result (inserted, updated, unchanged)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly scores = new Counter({
    name: 'lianjian_scores_written_total',
    help: 'Risk scores stored (an unchanged score is not stored again)',
    registers: [this.registry],
  });
  private readonly alerts = new Counter({
    name: 'lianjian_alerts_raised_total',
    help: 'Alerts raised (a finding already alerted on is not raised again)',
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'lianjian_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (delivered, failed and retried, dead)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly audits = new Counter({
    name: 'lianjian_audit_appends_total',
    help: 'Entries appended to the audit log, by result',
    labelNames: ['result'],
    registers: [this.registry],
  });

  constructor(app: AppName) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry, prefix: 'lianjian_' });
    const queues = this.queues;
    new Gauge({
      name: 'lianjian_queue_jobs',
      help: 'Jobs per queue and state, read from Redis at each scrape (absent while Redis does not answer)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          [...queues].map(async ([name, queue]) => {
            const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), 1000).catch(() => null);
            if (counts)
              for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }

  // Queues whose depth each scrape reports.
  watchQueue(name: string, queue: Queue): void {
    this.queues.set(name, queue);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  jobAttempt(queue: string, job: string, outcome: 'completed' | 'failed', seconds: number): void {
    this.jobDuration.observe({ queue, job, outcome }, seconds);
    if (outcome === 'failed') this.jobFailures.inc({ queue, job });
  }

  recordsReceived(channel: IngestChannel, accepted: number, refused: number): void {
    if (accepted) this.received.inc({ channel, outcome: 'accepted' }, accepted);
    if (refused) this.received.inc({ channel, outcome: 'refused' }, refused);
  }

  recordsApplied(c: { inserted: number; updated: number; unchanged: number }): void {
    for (const result of ['inserted', 'updated', 'unchanged'] as const)
      if (c[result]) this.applied.inc({ result }, c[result]);
  }

  scoresWritten(count: number): void {
    if (count) this.scores.inc(count);
  }

  alertsRaised(count: number): void {
    if (count) this.alerts.inc(count);
  }

  deliveryAttempt(outcome: string): void {
    this.deliveries.inc({ outcome });
  }

  auditAppended(result: string): void {
    this.audits.inc({ result });
  }
}
