import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, outsideTransactionScope, withTimeout } from '@lianjian/common';
import { inJurisdiction, principalJurisdiction, type Principal } from '@lianjian/access';
import { ScoreRunRepository } from '@lianjian/database';
import { JobQueue } from '@lianjian/queue';
import { runClassMix } from '@lianjian/scoring';
import type { RunsQuery } from './dto/score-run.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Full scoring runs (全量评分): the nightly one (job scheduler, SCORING_CRON) and any started here.
@Injectable()
export class ScoreRunsService {
  constructor(
    private readonly runs: ScoreRunRepository,
    private readonly jobs: JobQueue,
  ) {}

  // One full run at a time: while one is queued (its start job not yet taken by a worker) or running,
  // another request is refused with its id. The check and the queueing happen under one database lock
  // (ScoreRunRepository.withStartLock), so two api processes cannot both start one. Both happen
  // outside the request's transaction: there the start job would wait for the commit, after the lock
  // is released, and a second request could pass the check before the first job is queued. The
  // request's audit entry stays in the request's transaction.
  async start() {
    return outsideTransactionScope(() => this.startLocked());
  }

  private startLocked() {
    return this.runs.withStartLock(async (running) => {
      if (running) throw busy(running.id, 'running');
      const queued = await withTimeout(this.jobs.pendingFullRun(), 2000);
      if (queued) throw busy(queued, 'queued');
      const runId = randomUUID();
      await withTimeout(this.jobs.startFullRun(runId), 2000);
      return { runId, status: 'queued' };
    });
  }

  async list(q: RunsQuery, caller: Principal) {
    const rows = await this.runs.list(q.limit + 1, q.cursor ? new Date(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    return {
      items: await Promise.all(page.map((r) => this.moversWithin(view(r), caller))),
      nextCursor: rows.length > q.limit ? page[page.length - 1].startedAt.toISOString() : null,
    };
  }

  async get(id: string, caller: Principal) {
    const run = UUID.test(id) ? await this.runs.get(id) : undefined;
    // A run just requested exists once a worker has picked up its start job (normally within a second).
    if (!run)
      throw new NotFoundError(`no score run ${id} (yet: a run just started appears when a worker takes it)`);
    return this.moversWithin(view(run), caller);
  }

  // A run's top movers name entities and their classes: a caller sees those within their
  // jurisdiction only (a county's staff do not learn which entities of another city moved to D). The
  // class distribution and transition counts stay province-wide figures without names.
  private async moversWithin<T extends { summary: unknown }>(run: T, caller: Principal): Promise<T> {
    const summary = run.summary as { topMovers?: { entityId: string }[] } | null;
    const prefix = principalJurisdiction(caller) ?? '-';
    if (!summary?.topMovers?.length || prefix === '') return run;
    const regions = await this.runs.regionsOf(summary.topMovers.map((m) => m.entityId));
    const topMovers = summary.topMovers.filter(
      (m) => prefix !== '-' && inJurisdiction(prefix, regions.get(m.entityId)),
    );
    return { ...run, summary: { ...summary, topMovers } };
  }
}

function busy(runId: string, status: 'queued' | 'running'): ConflictError {
  return new ConflictError(
    `a full scoring run is ${status} (${runId}); wait for it to finish / 已有全量评分正在${status === 'queued' ? '排队' : '进行'}，请等待其完成`,
    [{ runId, status }],
  );
}

function view(r: Awaited<ReturnType<ScoreRunRepository['get']>> & object) {
  return {
    id: r.id,
    trigger: r.trigger,
    asOf: r.asOf,
    modelVersion: r.modelVersion,
    status: r.status,
    skippedReason: r.skippedReason,
    progress: {
      chunks: { done: r.chunksDone, total: r.chunksTotal },
      entities: { scored: r.entitiesScored, total: r.entitiesTotal },
      ratio: r.chunksTotal ? Math.round((r.chunksDone / r.chunksTotal) * 1000) / 1000 : 1,
    },
    scoresChanged: r.scoresChanged,
    // The class mix against the policy the run started with; a class outside its band flags the model.
    summary:
      r.summary && typeof r.summary === 'object'
        ? { ...(r.summary as object), classMix: runClassMix(r.summary, r.classPolicy) }
        : r.summary,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}
