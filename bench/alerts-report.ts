import { Queue, QueueEvents } from 'bullmq';
import type { DataSource } from 'typeorm';
import { QueueName } from '@lianjian/queue';

// Where a probe's time goes in `npm run bench:alerts`: the timestamps each hop leaves behind (BullMQ
// job times, PostgreSQL rows, the delivery queue's event stream), joined per probe after the run.

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

// Nearest-rank percentiles.
export function stats(values: number[]): Stats {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (p: number) => v[Math.max(0, Math.ceil(p * v.length) - 1)];
  return {
    n: v.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: v[v.length - 1],
    mean: v.reduce((a, b) => a + b, 0) / v.length,
  };
}

export const ms0 = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);

// Times of each delivery job (deliver-<deliveryId>-<attempt>), read live from the delivery queue's
// event stream: its jobs are removed on completion, and the row's enqueued_at is cleared once
// delivered, so the stream is the only record of when the relay queued an attempt and a worker
// took it. Stream ids are Redis's clock in ms (same machine as everything else here).
export class DeliveryJobTimes {
  private readonly events: QueueEvents;
  readonly added = new Map<string, number>();
  readonly active = new Map<string, number>();

  constructor(redisUrl: string, prefix: string) {
    this.events = new QueueEvents(QueueName.Delivery, {
      connection: { url: redisUrl },
      prefix,
      blockingTimeout: 1000,
    });
    const at = (id: string) => Number(id.split('-')[0]);
    this.events.on('added', (a: { jobId: string }, id: string) => this.added.set(a.jobId, at(id)));
    this.events.on('active', (a: { jobId: string }, id: string) => {
      if (!this.active.has(a.jobId)) this.active.set(a.jobId, at(id));
    });
    this.events.on('error', () => undefined);
  }

  ready(): Promise<void> {
    return this.events.waitUntilReady().then(() => undefined);
  }

  close(): Promise<void> {
    return this.events.close();
  }
}

export interface ProbeRow {
  batchId: string;
  batchCreated: number | null;
  alertId: string | null;
  ruleId: string | null;
  alertCreated: number | null;
  alertOccurrences: number | null;
  deliveries: DeliveryRow[];
}

export interface DeliveryRow {
  id: string;
  department: string;
  channel: string;
  status: string;
  attempts: number;
  attemptRows: number;
  attemptStarted: number | null; // the delivered attempt's start (after its lease was taken)
  deliveredAt: number | null;
}

// The probes' batches, alerts and deliveries as PostgreSQL has them.
export async function probeRows(
  ds: DataSource,
  batchIds: string[],
  ruleIds: string[],
): Promise<Map<string, ProbeRow>> {
  const rows: (Omit<ProbeRow, 'deliveries'> & Partial<DeliveryRow> & { deliveryId: string | null })[] =
    await ds.query(
      `SELECT b.id::text AS "batchId",
              extract(epoch FROM b.created_at)::float8 * 1000 AS "batchCreated",
              a.id::text AS "alertId", a.rule_id AS "ruleId", a.occurrences AS "alertOccurrences",
              extract(epoch FROM a.created_at)::float8 * 1000 AS "alertCreated",
              d.id::text AS "deliveryId", d.department_code AS department, d.channel, d.status, d.attempts,
              extract(epoch FROM d.delivered_at)::float8 * 1000 AS "deliveredAt",
              (SELECT extract(epoch FROM max(da.started_at))::float8 * 1000 FROM delivery_attempt da
                WHERE da.delivery_id = d.id AND da.outcome = 'delivered') AS "attemptStarted",
              (SELECT count(*)::int FROM delivery_attempt da WHERE da.delivery_id = d.id) AS "attemptRows"
         FROM ingest_batch b
         JOIN record r ON r.batch_id = b.id
         LEFT JOIN alert a ON a.entity_id = r.entity_id AND a.rule_id = ANY($2::text[])
         LEFT JOIN delivery d ON d.alert_id = a.id
        WHERE b.id = ANY($1::uuid[])`,
      [batchIds, ruleIds],
    );
  const out = new Map<string, ProbeRow>();
  for (const r of rows) {
    let p = out.get(r.batchId);
    if (!p) {
      p = {
        batchId: r.batchId,
        batchCreated: r.batchCreated,
        alertId: r.alertId,
        ruleId: r.ruleId,
        alertCreated: r.alertCreated,
        alertOccurrences: r.alertOccurrences,
        deliveries: [],
      };
      out.set(r.batchId, p);
    }
    if (r.deliveryId)
      p.deliveries.push({
        id: r.deliveryId,
        department: r.department as string,
        channel: r.channel as string,
        status: r.status as string,
        attempts: r.attempts as number,
        attemptRows: r.attemptRows as number,
        attemptStarted: r.attemptStarted ?? null,
        deliveredAt: r.deliveredAt ?? null,
      });
  }
  return out;
}

// BullMQ's own times of a job: added, taken by a worker, finished (kept: completed ingest and rules
// jobs are retained for an hour).
export interface JobTimes {
  added: number;
  processedOn?: number;
  finishedOn?: number;
}

export async function jobTimes(
  redisUrl: string,
  prefix: string,
  queue: QueueName,
  jobIds: string[],
): Promise<Map<string, JobTimes>> {
  const q = new Queue(queue, { connection: { url: redisUrl }, prefix });
  const out = new Map<string, JobTimes>();
  try {
    for (let i = 0; i < jobIds.length; i += 50) {
      const slice = jobIds.slice(i, i + 50);
      const jobs = await Promise.all(slice.map((id) => q.getJob(id)));
      jobs.forEach((j, k) => {
        if (j)
          out.set(slice[k], { added: j.timestamp, processedOn: j.processedOn, finishedOn: j.finishedOn });
      });
    }
  } finally {
    await q.close();
  }
  return out;
}

// The hops from the 202 to the last department's receiver, in order; consecutive differences of
// these timestamps add up to the latency.
export const HOPS = [
  ['ingestWait', '202 → ingest job taken (ingest queue wait)'],
  ['apply', 'ingest job: apply the batch, queue the rules job'],
  ['rulesWait', 'rules job queued → taken (rules queue wait)'],
  ['evaluate', 'rules job → alert row (load, evaluate, route)'],
  ['relay', 'alert row → delivery job queued (commit, NOTIFY, outbox relay)'],
  ['deliveryWait', 'delivery job queued → taken (delivery queue wait)'],
  ['begin', 'delivery job taken → attempt begun (lease in PostgreSQL)'],
  ['send', 'attempt begun → receiver has it (load alert, sign, POST)'],
] as const;
export type Hop = (typeof HOPS)[number][0];

export function hopTimes(points: (number | null | undefined)[]): Partial<Record<Hop, number>> {
  const out: Partial<Record<Hop, number>> = {};
  HOPS.forEach(([name], i) => {
    const a = points[i];
    const b = points[i + 1];
    if (a != null && b != null && Number.isFinite(a) && Number.isFinite(b)) out[name] = b - a;
  });
  return out;
}
