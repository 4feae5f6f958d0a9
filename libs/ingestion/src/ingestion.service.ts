import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  BatchRepository,
  DepartmentRepository,
  type BatchRow,
  type Rejection,
  type RejectionView,
} from '@lianjian/database';
import {
  afterCommit,
  InvalidInputError,
  METRICS,
  NO_METRICS,
  NotFoundError,
  todayInShanghai,
  withTimeout,
  type Metrics,
} from '@lianjian/common';
import { JobName, JobQueue } from '@lianjian/queue';
import { MAX_RECORDS_PER_REQUEST, SOURCE_RE, splitBatch } from './ingest-batch';
import { authorityProblems, type Sender } from './send-policy';
import { SourceBindings } from './source-bindings.service';

export interface SubmitResult {
  batchId: string;
  accepted: number;
  rejected: { index: number; sourceRecordId: string | null; reasons: string[] }[];
}

@Injectable()
export class IngestionService {
  private readonly log = new Logger(IngestionService.name);
  private readonly urgentMax: number;

  constructor(
    private readonly batches: BatchRepository,
    private readonly departments: DepartmentRepository,
    private readonly jobs: JobQueue,
    private readonly bindings: SourceBindings,
    config: ConfigService,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.urgentMax = config.getOrThrow<number>('INGEST_URGENT_MAX_RECORDS');
  }

  // Validates a batch, stores valid records and rejections durably, then enqueues the apply job.
  // If Redis is unavailable the batch stays queued in PostgreSQL and the worker's sweep picks it up.
  // The sender must be allowed to send under the source (403 otherwise) and each record must be theirs
  // to send (send-policy; a reason per record otherwise), which the records already stored decide too.
  async submit(body: unknown, sender: Sender, origin = 'api'): Promise<SubmitResult> {
    const { source, records } = parseBody(body);
    const binding = await this.bindings.forSender(source, sender, records);
    const known = await this.departments.codes();
    const split = splitBatch(records, {
      today: todayInShanghai(),
      departmentExists: (c) => known.has(c),
      authority: (record) => authorityProblems(binding, record),
    });
    const refused = await this.batches.refusedItems(source, split.items);
    const items = split.items.filter((it) => !refused.has(it.idx));
    const rejections = [
      ...split.rejections,
      ...split.items
        .filter((it) => refused.has(it.idx))
        .map((it) => ({
          idx: it.idx,
          sourceRecordId: it.sourceRecordId,
          raw: records[it.idx],
          reasons: refused.get(it.idx) ?? [],
        })),
    ].sort((a, b) => a.idx - b.idx);
    const batchId = randomUUID();
    await this.batches.create({ id: batchId, source, origin, received: records.length }, items, rejections);
    this.metrics.recordsReceived('api', items.length, rejections.length);
    if (items.length) await this.enqueueApply(batchId, items.length);
    return { batchId, accepted: items.length, rejected: rejections.map(toRejectedView) };
  }

  // records: the batch's size when known. Small batches (what a department reports as it happens)
  // go ahead of bulk ones, so a finding that triggers a joint rule does not wait behind a backlog
  // of uploads; bulk batches keep their order among themselves. A batch the sweep re-enqueues has
  // waited already and goes ahead too.
  // Inside a request transaction the job is queued once the batch has committed; a failure then is
  // left to the sweep as well.
  async enqueueApply(batchId: string, records?: number): Promise<boolean> {
    let queued = true;
    await afterCommit(async () => (queued = await this.tryEnqueueApply(batchId, records)));
    return queued;
  }

  private async tryEnqueueApply(batchId: string, records?: number): Promise<boolean> {
    try {
      // jobId = batch id: enqueuing the same batch twice yields one job.
      await withTimeout(
        this.jobs.add(
          JobName.IngestBatch,
          { batchId },
          { jobId: `ingest-${batchId}`, ...bulkPriority(records, this.urgentMax) },
        ),
        2000,
      );
      return true;
    } catch (e) {
      this.log.warn(
        `batch ${batchId} stored but not enqueued (${(e as Error).message}); the sweep will retry`,
      );
      return false;
    }
  }

  // The sweep's enqueue: adds the batch's job when Redis lost it, retries it when it failed for good
  // without the batch being marked failed (PostgreSQL down at its last attempt); true when it did.
  async ensureQueued(batchId: string): Promise<boolean> {
    const n = await withTimeout(
      this.jobs.ensureJobs(JobName.IngestBatch, [
        {
          data: { batchId },
          opts: { jobId: `ingest-${batchId}`, ...bulkPriority(undefined, this.urgentMax) },
        },
      ]),
      2000,
    );
    return n > 0;
  }

  async batch(batchId: string): Promise<BatchRow> {
    if (!/^[0-9a-f-]{36}$/i.test(batchId)) throw new NotFoundError(`no batch ${batchId}`);
    const batch = await this.batches.get(batchId);
    if (!batch) throw new NotFoundError(`no batch ${batchId}`);
    return batch;
  }

  async report(batchId: string, limit = 1000): Promise<BatchRow & { rejections: RejectionView[] }> {
    const batch = await this.batch(batchId);
    const rejections = batch.rejected ? await this.batches.rejections(batchId, limit) : [];
    return { ...batch, rejections };
  }

  // Every refused record of a batch, page by page (for listing and the CSV download).
  async *allRejections(batchId: string): AsyncGenerator<RejectionView> {
    await this.batch(batchId);
    let after = -1;
    for (;;) {
      const page = await this.batches.rejections(batchId, 5000, after);
      if (!page.length) return;
      yield* page;
      after = page[page.length - 1].idx;
    }
  }
}

function parseBody(body: unknown): { source: string; records: unknown[] } {
  const details: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidInputError('body must be a JSON object { "source": "...", "records": [ ... ] }');
  const b = body as Record<string, unknown>;
  if (typeof b.source !== 'string' || !SOURCE_RE.test(b.source))
    details.push(
      'source: required, 1-64 letters, digits, _ . - (the sending system) / 数据源：必填，1-64 位字母、数字或 _ . -',
    );
  if (!Array.isArray(b.records)) details.push('records: required, an array of canonical records');
  else if (b.records.length === 0) details.push('records: must not be empty');
  else if (b.records.length > MAX_RECORDS_PER_REQUEST)
    details.push(
      `records: at most ${MAX_RECORDS_PER_REQUEST} per request, got ${b.records.length}; split the batch`,
    );
  const extra = Object.keys(b).filter((k) => k !== 'source' && k !== 'records');
  if (extra.length) details.push(`unknown field(s) ${extra.join(', ')}`);
  if (details.length)
    throw new InvalidInputError(
      'the body is not a valid record batch; nothing was stored / 不是有效的记录批次，未保存任何数据',
      details,
    );
  return { source: b.source as string, records: b.records as unknown[] };
}

function toRejectedView(r: Rejection) {
  return { index: r.idx, sourceRecordId: r.sourceRecordId, reasons: r.reasons };
}

// BullMQ takes jobs without a priority before any prioritised job: bulk batches get priority 1.
export function bulkPriority(records: number | undefined, urgentMax: number): { priority?: number } {
  return urgentMax > 0 && records !== undefined && records > urgentMax ? { priority: 1 } : {};
}
